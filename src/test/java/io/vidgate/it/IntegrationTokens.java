package io.vidgate.it;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.vidgate.testing.Api;
import io.vidgate.testing.Worker;

import java.util.Map;

/** The tokens and the upload signing key the packaged (prod) application requires, for @QuarkusIntegrationTest runs. */
public class IntegrationTokens implements QuarkusTestResourceLifecycleManager {

    @Override
    public Map<String, String> start() {
        return Map.of("vidgate.admin-token", Api.ADMIN_TOKEN, "vidgate.worker-token", Worker.TOKEN,
                "vidgate.uploads.signing-key", "test-uploads-signing-key-not-a-secret");
    }

    @Override
    public void stop() {
    }
}
