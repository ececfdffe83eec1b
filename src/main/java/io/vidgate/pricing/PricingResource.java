package io.vidgate.pricing;

import io.smallrye.common.annotation.NonBlocking;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/** The model catalog (docs/api.md 2.6); no key needed. */
@Path("/v2")
@Produces(MediaType.APPLICATION_JSON)
public class PricingResource {

    private final Catalog catalog;

    PricingResource(Catalog catalog) {
        this.catalog = catalog;
    }

    @GET
    @Path("/models")
    @NonBlocking
    public CatalogView models() {
        return CatalogView.of(catalog);
    }
}
