package io.vidgate.it;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.vidgate.testing.Api;
import io.vidgate.testing.Worker;

import java.util.Map;

/** The tokens the packaged (prod) application requires, for @QuarkusIntegrationTest runs. */
public class IntegrationTokens implements QuarkusTestResourceLifecycleManager {

    @Override
    public Map<String, String> start() {
        return Map.of("vidgate.admin-token", Api.ADMIN_TOKEN, "vidgate.worker-token", Worker.TOKEN);
    }

    @Override
    public void stop() {
    }
}
