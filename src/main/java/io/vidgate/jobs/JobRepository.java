package io.vidgate.jobs;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.panache.common.Parameters;
import io.quarkus.panache.common.Sort;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.List;
import java.util.UUID;

/** Reads of jobs, always scoped to the account that asks: another account's job does not exist for it. */
@ApplicationScoped
@WithSession
public class JobRepository implements PanacheRepositoryBase<Job, UUID> {

    public Uni<Job> findAny(UUID id) {
        return findById(id);
    }

    /** Newest first; {@code after} is the id of the last job of the previous page. */
    public Uni<List<Job>> page(UUID accountId, JobFilter filter, UUID after, int size) {
        StringBuilder query = new StringBuilder("accountId = :account");
        Parameters params = Parameters.with("account", accountId);
        if (filter.status() != null) {
            query.append(" and status = :status");
            params.and("status", filter.status());
        }
        if (filter.type() != null) {
            query.append(" and type = :type");
            params.and("type", filter.type());
        }
        if (after != null) {
            query.append(" and seq < (select j.seq from Job j where j.id = :after and j.accountId = :account)");
            params.and("after", after);
        }
        return find(query.toString(), Sort.descending("seq"), params).range(0, size - 1).list();
    }
}
