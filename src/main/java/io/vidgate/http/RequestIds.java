package io.vidgate.http;

import io.quarkus.vertx.http.runtime.filters.Filters;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.MDC;

import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Gives every request an id and puts it on every response, from every layer (also the 404s and 413s that
 * never reach Quarkus REST). A client id is kept only when it is 1-64 chars of [A-Za-z0-9._-], so nothing
 * else a client sends ever reaches the logs.
 */
@ApplicationScoped
public class RequestIds {

    public static final String HEADER = "x-request-id";
    public static final String CONTEXT_KEY = "vidgate.request-id";
    private static final Pattern CLIENT_ID = Pattern.compile("[A-Za-z0-9._-]{1,64}");
    private static final Pattern JOB_PATH = Pattern.compile(
            "^/(?:v2/(?:jobs|text-to-video|image-to-video|audio-to-video|retake|extend)|internal/jobs)/([0-9a-fA-F-]{36})(?:/|$)");
    /** Runs before every other filter, so the id exists when anything else answers. */
    static final int PRIORITY = 1000;

    void register(@Observes Filters filters) {
        filters.register(this::assign, PRIORITY);
    }

    private void assign(RoutingContext rc) {
        String id = accepted(rc.request().getHeader(HEADER));
        rc.put(CONTEXT_KEY, id);
        rc.response().putHeader(HEADER, id);
        // On every log line of this request (JSON logs in prod): its id, and the job it names, if any.
        MDC.put("request_id", id);
        Matcher job = JOB_PATH.matcher(rc.normalizedPath());
        if (job.find()) {
            MDC.put("job_id", job.group(1));
        } else {
            MDC.remove("job_id");
        }
        MDC.remove("account_id");
        rc.next();
    }

    static String accepted(String clientId) {
        if (clientId != null && CLIENT_ID.matcher(clientId).matches()) {
            return clientId;
        }
        return fresh();
    }

    static String fresh() {
        byte[] bytes = new byte[16];
        ThreadLocalRandom.current().nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    public static String of(RoutingContext rc) {
        String id = rc == null ? null : rc.get(CONTEXT_KEY);
        return id == null ? "-" : id;
    }
}
