package io.vidgate.limits;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The benchmark's pgbench scripts copy the service's rate-limit statement (pgbench cannot call the service):
 * this keeps the copy true, so that the "limit" the service is measured against stays the same SQL work.
 */
class BenchSqlTest {

    @ParameterizedTest
    @ValueSource(strings = {"bench/sql/create.sql", "bench/sql/poll.sql", "bench/sql/estimate.sql"})
    void thePgbenchScriptRunsTheServicesOwnRateLimitStatement(String script) throws IOException {
        String bench = normalize(Files.readString(Path.of(script))
                // pgbench cannot bind bytea or NULL parameters: the script spells them out.
                .replaceAll("\\(SELECT key_hash FROM bench_\\w+ WHERE n = :\\w+\\)", "\\$1")
                .replace("NULL::bigint", "$2::bigint"));
        String service = normalize(RateLimiter.AUTHENTICATE_AND_COUNT);
        assertTrue(bench.contains(service), script + " no longer runs RateLimiter.AUTHENTICATE_AND_COUNT");
    }

    private static String normalize(String sql) {
        return sql.replaceAll("\\s+", " ").trim();
    }
}
