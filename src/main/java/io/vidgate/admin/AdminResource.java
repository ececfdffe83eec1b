package io.vidgate.admin;

import io.smallrye.mutiny.Uni;
import io.vidgate.accounts.AccountChanges;
import io.vidgate.accounts.AccountService;
import io.vidgate.accounts.AccountView;
import io.vidgate.http.Errors;
import io.vidgate.http.JsonBody;
import io.vidgate.http.QueryParams;
import io.vidgate.http.Replays;
import io.vidgate.idempotency.IdempotencyKey;
import io.vidgate.keys.ApiKeyService;
import io.vidgate.keys.ApiKeyView;
import io.vidgate.ledger.CreditService;
import io.vidgate.webhooks.WebhookDeliveryService;
import io.vidgate.webhooks.WebhookDeliveryView;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/** The admin API (docs/api.md 3), behind the admin token. */
@Path("/admin")
@Produces(MediaType.APPLICATION_JSON)
public class AdminResource {

    private static final int MAX_DESCRIPTION = 500;

    private final AccountService accounts;
    private final ApiKeyService keys;
    private final CreditService credits;
    private final WebhookDeliveryService webhooks;

    AdminResource(AccountService accounts, ApiKeyService keys, CreditService credits, WebhookDeliveryService webhooks) {
        this.accounts = accounts;
        this.keys = keys;
        this.credits = credits;
        this.webhooks = webhooks;
    }

    @GET
    @Path("/accounts/{id}/webhook-deliveries")
    public Uni<Map<String, List<WebhookDeliveryView>>> webhookDeliveries(@PathParam("id") String id,
                                                                         @QueryParam("limit") String limit) {
        return webhooks.list(accountId(id), QueryParams.limit(limit)).map(list -> Map.of("data", list));
    }

    @POST
    @Path("/accounts")
    public Uni<Response> createAccount(@HeaderParam("Content-Type") String contentType, String raw) {
        AccountChanges changes = AccountChanges.parse(JsonBody.parse(contentType, raw), true);
        return accounts.create(changes).map(AdminResource::created);
    }

    @GET
    @Path("/accounts/{id}")
    public Uni<AccountView> account(@PathParam("id") String id) {
        return accounts.get(accountId(id));
    }

    @PATCH
    @Path("/accounts/{id}")
    public Uni<AccountView> updateAccount(@PathParam("id") String id, @HeaderParam("Content-Type") String contentType,
                                          String raw) {
        UUID accountId = accountId(id);
        return accounts.update(accountId, AccountChanges.parse(JsonBody.parse(contentType, raw), false));
    }

    @POST
    @Path("/accounts/{id}/api-keys")
    public Uni<Response> issueKey(@PathParam("id") String id, @HeaderParam("Content-Type") String contentType,
                                  String raw) {
        UUID accountId = accountId(id);
        String name = raw == null || raw.isBlank() ? null
                : JsonBody.parse(contentType, raw).allowOnly(Set.of("name")).optionalString("name", 200).orElse(null);
        return keys.issue(accountId, name).map(AdminResource::created);
    }

    @GET
    @Path("/accounts/{id}/api-keys")
    public Uni<Map<String, List<ApiKeyView>>> listKeys(@PathParam("id") String id) {
        return keys.list(accountId(id)).map(list -> Map.of("data", list));
    }

    @DELETE
    @Path("/api-keys/{id}")
    public Uni<Response> revokeKey(@PathParam("id") String id) {
        UUID keyId = QueryParams.uuid(id).orElseThrow(Errors.NotFound::apiKey);
        return keys.revoke(keyId).map(done -> Response.noContent().build());
    }

    @POST
    @Path("/accounts/{id}/credits")
    public Uni<Response> credit(@PathParam("id") String id, @HeaderParam("Content-Type") String contentType,
                                @HeaderParam(IdempotencyKey.HEADER) String key, String raw) {
        UUID accountId = accountId(id);
        String idempotencyKey = IdempotencyKey.validate(key).orElse(null);
        JsonBody body = JsonBody.parse(contentType, raw).allowOnly(Set.of("amount", "description"));
        long amount = body.requiredLong("amount");
        if (amount == 0 || Math.abs(amount) > 1_000_000_000_000L) {
            throw new Errors.InvalidRequest("amount must be a non-zero integer between -1000000000000 and 1000000000000");
        }
        String description = body.optionalString("description", MAX_DESCRIPTION)
                .orElse(amount > 0 ? "Credit grant" : "Credit adjustment");
        IdempotencyKey idempotency = idempotencyKey == null ? null
                : new IdempotencyKey(idempotencyKey, body.canonicalHash("credits"));
        return credits.credit(accountId, amount, description, idempotency)
                .map(outcome -> Replays.response(201, outcome.value(), outcome.replayed()).build());
    }

    private static Response created(Object entity) {
        return Response.status(201).entity(entity).build();
    }

    private static UUID accountId(String id) {
        return QueryParams.uuid(id).orElseThrow(Errors.NotFound::account);
    }
}
