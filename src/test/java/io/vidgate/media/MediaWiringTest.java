package io.vidgate.media;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vidgate.config.VidgateConfig;
import io.vidgate.testing.TestDatabase;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.time.Duration;
import java.util.Base64;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The media beans as the application wires them, with the test profile's configuration. */
@QuarkusTest
@QuarkusTestResource(TestDatabase.class)
class MediaWiringTest {

    @Inject
    MediaInputs inputs;

    @Inject
    VidgateConfig config;

    @Test
    void configurationDefaultsAndTheTestProfile() {
        assertEquals(Duration.ofSeconds(5), config.media().probeTimeout());
        assertEquals(Duration.ofSeconds(20), config.media().fetchTimeout());
        assertTrue(config.media().allowInsecure(), "%test allows local http media servers");
    }

    @Test
    void inspectsInlineMediaThroughTheBeans() throws Exception {
        String uri = "data:image/webp;base64," + Base64.getEncoder().encodeToString(
                Files.readAllBytes(MediaProbeTest.fixture("image-portrait.webp")));
        MediaInfo info = inputs.inspect("image_uri", uri, MediaKind.IMAGE).await().atMost(Duration.ofSeconds(10));
        assertTrue(info.portrait());
        assertEquals(36, info.width());
    }
}
