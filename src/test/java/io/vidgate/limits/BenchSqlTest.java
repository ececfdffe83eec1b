package io.vidgate.limits;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The benchmark's pgbench scripts copy the service's rate-limit statement (pgbench cannot call the service):
 * this keeps the copy true, so that the "limit" the service is measured against stays the same SQL work. The
 * key-lookup script runs the statement's first part alone (what an authenticated request would cost PostgreSQL
 * without the rate limit).
 */
class BenchSqlTest {

    @ParameterizedTest
    @ValueSource(strings = {"bench/sql/create.sql", "bench/sql/poll.sql", "bench/sql/estimate.sql"})
    void thePgbenchScriptRunsTheServicesOwnRateLimitStatement(String script) throws IOException {
        String service = normalize(RateLimiter.AUTHENTICATE_AND_COUNT);
        assertTrue(bench(script).contains(service), script + " no longer runs RateLimiter.AUTHENTICATE_AND_COUNT");
    }

    @Test
    void theKeyLookupScriptRunsTheKeyLookupOfThatStatement() throws IOException {
        String service = normalize(RateLimiter.AUTHENTICATE_AND_COUNT);
        String lookup = service.substring(service.indexOf("SELECT k.account_id"), service.indexOf(" ), counted AS"));
        assertTrue(bench("bench/sql/key_lookup.sql").contains(lookup),
                "bench/sql/key_lookup.sql no longer runs the key lookup of RateLimiter.AUTHENTICATE_AND_COUNT");
    }

    private static String bench(String script) throws IOException {
        return normalize(Files.readString(Path.of(script))
                // pgbench cannot bind bytea or NULL parameters: the script spells them out.
                .replaceAll("\\(SELECT key_hash FROM bench_\\w+ WHERE n = :\\w+\\)", "\\$1")
                .replace("NULL::bigint", "$2::bigint"));
    }

    private static String normalize(String sql) {
        return sql.replaceAll("\\s+", " ").trim();
    }
}
