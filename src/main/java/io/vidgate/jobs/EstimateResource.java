package io.vidgate.jobs;

import io.smallrye.mutiny.Uni;
import io.vidgate.auth.Caller;
import io.vidgate.http.Errors;
import io.vidgate.http.JsonBody;
import io.vidgate.pricing.EstimateView;
import io.vidgate.pricing.GenerationType;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import java.util.HashSet;
import java.util.Set;
import java.util.UUID;

/** The cost of a job of any type, parsed and validated as its create would be, reserving nothing (docs/api.md 2.4). */
@Path("/v2")
@Produces(MediaType.APPLICATION_JSON)
public class EstimateResource {

    private final JobRequests parser;
    private final Caller caller;

    EstimateResource(JobRequests parser, Caller caller) {
        this.parser = parser;
        this.caller = caller;
    }

    @POST
    @Path("/estimate")
    public Uni<EstimateView> estimate(@HeaderParam("Content-Type") String contentType, String raw) {
        JsonBody body = JsonBody.parse(contentType, raw);
        GenerationType type = GenerationType.fromWire(body.requiredString("type", 32)).orElseThrow(() ->
                new Errors.InvalidRequest("type must be one of " + GenerationType.WIRE_NAMES));
        Set<String> fields = new HashSet<>(JobRequests.fields(type));
        fields.add("type");
        UUID accountId = caller.accountId();
        // The balance was read by the statement that authenticated this request: estimate needs no other.
        long available = caller.balance().available();
        return parser.parse(accountId, type, body.allowOnly(fields))
                .map(request -> EstimateView.of(request.price(), available));
    }
}
