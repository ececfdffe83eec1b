package io.vidgate.jobs;

import io.smallrye.mutiny.Uni;
import io.vidgate.auth.Caller;
import io.vidgate.http.JsonBody;
import io.vidgate.idempotency.IdempotencyKey;
import io.vidgate.idempotency.IdempotencyRecords.Outcome;
import io.vidgate.pricing.GenerationType;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.UUID;

/**
 * A create request of any type, from its raw body to its job (docs/api.md 2.1): the Idempotency-Key's format, the
 * body's fields, the type's validation and price, then {@link JobService#create}. The asynchronous (/v2) and the
 * synchronous (/v1) endpoints submit through here, so they refuse and accept exactly the same requests.
 */
@ApplicationScoped
public class JobSubmissions {

    private final JobService service;
    private final JobRequests parser;
    private final Caller caller;

    JobSubmissions(JobService service, JobRequests parser, Caller caller) {
        this.service = service;
        this.parser = parser;
        this.caller = caller;
    }

    public Uni<Outcome<JobView>> submit(GenerationType type, String contentType, String key, String raw) {
        String idempotencyKey = IdempotencyKey.validate(key).orElse(null);
        JsonBody body = JsonBody.parse(contentType, raw).allowOnly(JobRequests.fields(type));
        IdempotencyKey idempotency = idempotencyKey == null ? null
                : new IdempotencyKey(idempotencyKey, body.canonicalHash(type.wire));
        UUID accountId = caller.accountId();
        return parser.parse(accountId, type, body)
                .flatMap(request -> service.create(accountId, request, idempotency));
    }
}
