package io.vidgate.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;

import java.time.Duration;
import java.util.List;

/** Typed configuration of the service; every variable of docs/api.md section 6 maps to a property here. */
@ConfigMapping(prefix = "vidgate")
public interface VidgateConfig {

    /** Bearer token of the admin API (VIDGATE_ADMIN_TOKEN). Required: the application does not start without it. */
    String adminToken();

    /** Bearer token of the worker API (VIDGATE_WORKER_TOKEN). Required: the application does not start without it. */
    String workerToken();

    /** Base URL under which clients and workers reach this service; used in URLs it hands out (video, inputs). */
    @WithDefault("http://localhost:8080")
    String publicUrl();

    /** Longest a request waits on the database before answering 503 (VIDGATE_DB_TIMEOUT). */
    @WithDefault("2s")
    Duration dbTimeout();

    /** Run Flyway migrations when the application starts. */
    @WithDefault("true")
    boolean migrateAtStart();

    /** VIDGATE_MIGRATE_ONLY: migrate, then exit (the once-per-release migration Job runs the image this way). */
    @WithDefault("false")
    boolean migrateOnly();

    ContentPolicy contentPolicy();

    Jobs jobs();

    @WithName("rate-limit")
    RateLimit rateLimit();

    @WithName("concurrency-limit")
    ConcurrencyLimit concurrencyLimit();

    Simulator simulator();

    Sync sync();

    Webhooks webhooks();

    Overload overload();

    @WithName("db")
    DbPool dbPool();

    Media media();

    interface Media {
        /** Longest the headers of one media file may take to read; past it the field is a 400. */
        @WithDefault("5s")
        Duration probeTimeout();

        /** Longest one media fetch may take, from DNS lookup to the last byte; past it the field is a 400. */
        @WithDefault("20s")
        Duration fetchTimeout();

        /** Allow http, loopback and private addresses for media URLs (dev and tests only). */
        @WithDefault("false")
        boolean allowInsecure();
    }

    Uploads uploads();

    Results results();

    /** Results stored by vidgate (docs/api.md 4.5): a worker's uploaded video, served at a signed URL. */
    interface Results {
        /** VIDGATE_RESULTS_RETENTION: how long after a job ended its stored result (and its URL) stays available. */
        @WithDefault("24h")
        Duration retention();

        /**
         * VIDGATE_RESULTS_FETCH_TIMEOUT: longest streaming a result kept at a worker's own http(s) URL may take, DNS
         * to last byte, when vidgate streams it itself (the synchronous API); past it the stream is cut.
         */
        @WithDefault("5m")
        Duration fetchTimeout();
    }

    interface Uploads {
        /**
         * VIDGATE_UPLOADS_SIGNING_KEY: HMAC-SHA256 key of the signed upload URLs. Required: the application does not
         * start without it (fixed values in dev and test; production also wants at least 32 characters).
         */
        String signingKey();

        /** Largest upload body, in bytes (100 MiB). */
        @WithDefault("104857600")
        long maxBytes();

        /** How long a signed PUT URL is valid. */
        @WithDefault("1h")
        Duration urlTtl();

        /** How long a storage_uri is usable in *_uri fields after its upload was created. */
        @WithDefault("24h")
        Duration retention();

        /** VIDGATE_UPLOADS_STORAGE: where the bytes live, postgres (default) or s3. */
        @WithDefault("postgres")
        Storage storage();

        /** How often each pod deletes expired uploads. */
        @WithDefault("1m")
        Duration sweepInterval();

        S3 s3();

        enum Storage {
            POSTGRES, S3
        }

        /** An S3-compatible bucket (VIDGATE_UPLOADS_S3_*); used only when storage is s3. */
        interface S3 {
            /** Base URL of the S3 API, e.g. https://s3.eu-west-1.amazonaws.com or http://minio:9000. */
            java.util.Optional<String> endpoint();

            java.util.Optional<String> bucket();

            @WithDefault("us-east-1")
            String region();

            java.util.Optional<String> accessKey();

            java.util.Optional<String> secretKey();

            /** Path-style URLs (endpoint/bucket/key), as most S3-compatible servers want; false: bucket.endpoint/key. */
            @WithDefault("true")
            boolean pathStyle();
        }
    }

    interface DbPool {
        /** VIDGATE_DB_MAX_WAIT_QUEUE: requests that may wait for a database connection before new ones get 503. */
        @WithDefault("200")
        int maxWaitQueue();
    }

    interface Overload {
        /** Requests the API works on at once (health and metrics excluded); more are shed with 503 at once. */
        @WithDefault("512")
        int maxInFlight();
    }

    interface ContentPolicy {
        /** Comma-separated blocked terms (VIDGATE_CONTENT_POLICY_BLOCKED_TERMS). */
        @WithDefault("beheading,child abuse,csam,snuff film,terrorist propaganda")
        List<String> blockedTerms();
    }

    interface Jobs {
        /** Attempts before a job fails for good (VIDGATE_JOBS_MAX_ATTEMPTS). */
        @WithDefault("3")
        int maxAttempts();

        /** Longest a job may stay active before its hold expires (VIDGATE_JOBS_MAX_AGE). */
        @WithDefault("1h")
        Duration maxAge();

        /** Retry-After sent with concurrency_limit_error: a guess of when an active job ends. */
        @WithDefault("5s")
        Duration concurrencyRetryAfter();

        /** Wait before a retryable failure is leased again: this, doubled for each attempt made... */
        @WithDefault("10s")
        Duration retryBackoff();

        /** ...up to this. */
        @WithDefault("10m")
        Duration retryBackoffMax();

        /** How often each pod's sweepers look for expired leases and jobs past their deadline. */
        @WithDefault("5s")
        Duration sweepInterval();

        /** How long an Idempotency-Key is remembered (docs/api.md 2.1: at least 24 h). */
        @WithDefault("24h")
        Duration idempotencyRetention();
    }

    /** The synchronous /v1 API (docs/api.md 2.14). */
    interface Sync {
        /** Longest a /v1 call waits for its job before answering 504; the job goes on (VIDGATE_SYNC_WAIT). */
        @WithDefault("20m")
        Duration maxWait();

        /**
         * How often each pod re-reads the jobs its /v1 calls wait for, in case a job-end notification was lost (the
         * listening connection was reset): the slow safety net behind LISTEN/NOTIFY.
         */
        @WithDefault("30s")
        Duration recheckInterval();
    }

    interface RateLimit {
        /** Rate limit of a new account (VIDGATE_RATE_LIMIT_DEFAULT_PER_MINUTE). */
        @WithDefault("600")
        int defaultPerMinute();

        /** Off only to measure what the limiter costs (the benchmark); every deployment keeps it on. */
        @WithDefault("true")
        boolean enabled();
    }

    interface ConcurrencyLimit {
        /** Concurrency limit of a new account (VIDGATE_CONCURRENCY_LIMIT_DEFAULT). */
        @WithName("default")
        @WithDefault("2")
        int defaultLimit();
    }

    interface Simulator {
        /** VIDGATE_SIMULATOR_ENABLED: run the simulated GPU worker in this process. */
        @WithDefault("false")
        boolean enabled();

        /** VIDGATE_SIMULATOR_DELAY: how long one simulated generation takes. */
        @WithDefault("2s")
        Duration delay();

        /** Jobs the simulator works on at once. */
        @WithDefault("4")
        int slots();
    }

    interface Webhooks {
        /** VIDGATE_WEBHOOKS_ALLOW_INSECURE: allow http and loopback webhook URLs. */
        @WithDefault("false")
        boolean allowInsecure();

        /** Wait before the second attempt; doubled after each failure, capped at {@link #maxBackoff()}. */
        @WithDefault("5s")
        Duration initialBackoff();

        @WithDefault("1h")
        Duration maxBackoff();

        /** A delivery is retried until it succeeds or this long after the job ended. */
        @WithDefault("24h")
        Duration giveUpAfter();

        /** Longest one delivery attempt may take. */
        @WithDefault("10s")
        Duration requestTimeout();

        /** How often each pod looks for due deliveries. */
        @WithDefault("1s")
        Duration pollInterval();
    }
}
