package io.vidgate.uploads;

import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.time.Duration;

/**
 * Deletes uploads past their 24 h (except those an active job still names: they go once the job has ended) and
 * PUTs that never finished, row and bytes. Safe on every pod at once: the rows are taken with SKIP LOCKED by one
 * DELETE, so each upload is deleted by exactly one sweeper. Bytes in S3 are deleted after their row; if that
 * fails the object is orphaned (a bucket lifecycle rule is the backstop; see the README).
 */
@ApplicationScoped
public class UploadSweeper {

    /** Uploads one sweep deletes at most. */
    static final int MAX_PER_SWEEP = 100;
    /** How long after its URL expired an unfinished PUT may still be streaming before it is deleted under it. */
    static final Duration PUT_GRACE = Duration.ofHours(1);
    private static final Logger LOG = Logger.getLogger(UploadSweeper.class);

    private final UploadRepository uploads;
    private final UploadStorage storage;

    UploadSweeper(UploadRepository uploads, UploadStorage storage) {
        this.uploads = uploads;
        this.storage = storage;
    }

    @Scheduled(every = "${vidgate.uploads.sweep-interval}", delayed = "5s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> sweep() {
        return sweepOnce()
                .onFailure().invoke(e -> LOG.warnf("upload sweep failed, will run again: %s", e.toString()))
                .onFailure().recoverWithNull()
                .replaceWithVoid();
    }

    /** One pass; the number of uploads deleted. */
    public Uni<Integer> sweepOnce() {
        return uploads.deleteExpired(MAX_PER_SWEEP, PUT_GRACE.toSeconds())
                .onItem().transformToUniAndConcatenate(id -> storage.delete(id)
                        .onFailure().invoke(e -> LOG.warnf("upload %s: its bytes could not be deleted: %s", id, e))
                        .onFailure().recoverWithNull()
                        .replaceWith(1))
                .collect().asList()
                .map(java.util.List::size);
    }
}
