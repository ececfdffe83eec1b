package io.vidgate.testing;

import io.quarkus.test.junit.QuarkusTestProfile;

import java.util.Map;

/**
 * The test profile of the fault-injection tests: the service's reactive connections go through the
 * {@link FaultProxy} ({@link TestDatabase} sees this profile and hands out the proxy's address); JDBC (Flyway, the
 * tests' own checks) still connects straight to PostgreSQL.
 */
public class ThroughFaultProxy implements QuarkusTestProfile {

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of();
    }
}
