package io.vidgate.ledger;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.panache.common.Parameters;
import io.quarkus.panache.common.Sort;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.List;
import java.util.UUID;

@ApplicationScoped
@WithSession
public class LedgerRepository implements PanacheRepositoryBase<LedgerEntry, UUID> {

    /** Newest first; {@code after} is the id of the last entry of the previous page. */
    public Uni<List<LedgerEntry>> page(UUID accountId, UUID after, int size) {
        if (after == null) {
            return find("accountId = ?1", Sort.descending("seq"), accountId).range(0, size - 1).list();
        }
        return find("accountId = :account and seq < (select e.seq from LedgerEntry e where e.id = :after "
                        + "and e.accountId = :account)", Sort.descending("seq"),
                Parameters.with("account", accountId).and("after", after)).range(0, size - 1).list();
    }
}
