package io.vidgate.metrics;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vidgate.testing.Api;
import io.vidgate.testing.Ledger;
import io.vidgate.testing.TestDatabase;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.restassured.RestAssured.get;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The business metrics on /q/metrics tell what the database says. */
@QuarkusTest
@QuarkusTestResource(TestDatabase.class)
class JobMetricsTest {

    @Inject
    JobMetrics metrics;

    @Test
    void queueDepthAndConservationComeFromTheDatabase() {
        Api.TestAccount account = Api.account(1000, 5);
        account.json().body(Api.T2V_BODY).post("/v2/text-to-video").then().statusCode(202);
        metrics.refreshQueue().await().atMost(Duration.ofSeconds(5));
        metrics.checkConservation().await().atMost(Duration.ofSeconds(5));

        String scraped = get("/q/metrics").then().statusCode(200).extract().asString();
        long pending = Ledger.scalar("SELECT count(*) FROM jobs WHERE status = 'pending'");
        assertTrue(pending >= 1);
        assertEquals(pending, gauge(scraped, "vidgate_jobs_queue_depth\\{status=\"pending\"\\}"), scraped);
        assertEquals(0, gauge(scraped, "vidgate_ledger_imbalanced_accounts"));
        long oldestWait = Ledger.scalar("SELECT coalesce(extract(epoch FROM now() - min(created_at))::bigint, 0) "
                + "FROM jobs WHERE status = 'pending'");
        assertTrue(Math.abs(oldestWait - gauge(scraped, "vidgate_jobs_oldest_pending_age_seconds")) <= 2, scraped);
        get("/q/metrics").then().body(containsString("vidgate_credits_reserved_total"))
                .body(containsString("http_server_requests_seconds_count"));
    }

    private static long gauge(String scraped, String name) {
        Matcher m = Pattern.compile("(?m)^" + name + " ([0-9.E+]+)$").matcher(scraped);
        assertTrue(m.find(), name + " in " + scraped.length() + " chars of metrics");
        return (long) Double.parseDouble(m.group(1));
    }
}
