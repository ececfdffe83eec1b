package io.vidgate.keys;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.smallrye.mutiny.Uni;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.List;
import java.util.UUID;

@ApplicationScoped
@WithSession
public class ApiKeyRepository implements PanacheRepositoryBase<ApiKey, UUID> {

    public Uni<List<ApiKey>> listForAccount(UUID accountId) {
        return list("accountId = ?1 order by createdAt, id", accountId);
    }
}
