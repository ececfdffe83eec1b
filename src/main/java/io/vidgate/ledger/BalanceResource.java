package io.vidgate.ledger;

import io.smallrye.common.annotation.NonBlocking;
import io.smallrye.mutiny.Uni;
import io.vidgate.http.Page;
import io.vidgate.http.QueryParams;
import io.vidgate.accounts.BalanceView;
import io.vidgate.auth.Caller;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

/** The caller's balance and ledger (docs/api.md 2.5). */
@Path("/v2")
@Produces(MediaType.APPLICATION_JSON)
public class BalanceResource {

    private final BalanceService service;
    private final Caller caller;

    BalanceResource(BalanceService service, Caller caller) {
        this.service = service;
        this.caller = caller;
    }

    /**
     * Read by the statement that authenticated this request: no second round trip, and no blocking work, so it is
     * answered on the event loop (a method returning a plain object would otherwise be moved to a worker thread).
     */
    @GET
    @Path("/balance")
    @NonBlocking
    public BalanceView balance() {
        return caller.balance();
    }

    @GET
    @Path("/ledger")
    public Uni<Page<LedgerEntryView>> ledger(@QueryParam("limit") String limit, @QueryParam("after") String after) {
        return service.entries(caller.accountId(), QueryParams.cursor("after", after), QueryParams.limit(limit));
    }
}
