package io.vidgate.jobs;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vidgate.testing.Api;
import io.vidgate.testing.QueueTest;
import io.vidgate.testing.TestDatabase;
import io.vidgate.testing.Worker;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

import static io.vidgate.testing.Api.PUBLIC_URL;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * vidgate as existing clients of the hosted LTX API call it, black box: clients/ltx_client_check.py (a separate
 * Python process, standard library only) uploads through /v1/upload, runs /v1 generations with float fields and a
 * long timeout, and a /v2 extend polled and downloaded without a key, while the reference worker
 * (worker-client/vidgate_worker.py) makes the videos. Conservation is checked after (QueueTest).
 */
@QuarkusTest
@QuarkusTestResource(TestDatabase.class)
class LtxClientCompatTest extends QueueTest {

    @Test
    void anLtxClientWorksAgainstVidgateUnchanged() throws Exception {
        Api.TestAccount account = Api.account(10_000, 4);
        Process worker = new ProcessBuilder("python3", "worker-client/vidgate_worker.py",
                "--url", PUBLIC_URL, "--token", Worker.TOKEN, "--worker-id", "ltx-compat-worker",
                "--max-jobs", "2", "--lease-seconds", "30", "--work-seconds", "0.2", "--poll-seconds", "0.2")
                .redirectErrorStream(true).start();
        try {
            Process client = new ProcessBuilder("python3", "clients/ltx_client_check.py", "--url", PUBLIC_URL,
                    "--key", account.key(), "--image", "src/test/resources/media/image-landscape.png",
                    "--video", "src/test/resources/media/video-landscape.mp4", "--timeout", "120",
                    "--poll-seconds", "0.5")
                    .redirectErrorStream(true).start();
            assertTrue(client.waitFor(180, TimeUnit.SECONDS), "the client finished");
            String output = new String(client.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertEquals(0, client.exitValue(), output);
            assertTrue(output.contains("\"image_to_video\"") && output.contains("\"extend\""), output);
        } finally {
            worker.destroy();
            worker.waitFor(10, TimeUnit.SECONDS);
        }
        // three jobs, each charged once: image-to-video 6 s fast at 1080p (36), text-to-video 8 s pro (64), extend 2 s (20)
        account.as().get("/v2/jobs").then().body("data.size()", equalTo(3))
                .body("data.status", equalTo(java.util.List.of("completed", "completed", "completed")));
        account.as().get("/v2/balance").then().body("reserved", equalTo(0))
                .body("available", equalTo(10_000 - 36 - 64 - 20));
    }
}
