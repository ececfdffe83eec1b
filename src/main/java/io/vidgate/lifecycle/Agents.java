package io.vidgate.lifecycle;

import io.smallrye.mutiny.Uni;
import org.jboss.logging.Logger;

import java.util.function.Consumer;
import java.util.function.Supplier;

/** What the lifecycle's scheduled agents share: how a run fails, and ending jobs one statement at a time. */
final class Agents {

    /** Jobs one run ends at most, so that one run stays short and the next one picks up the rest. */
    static final int MAX_ENDED_PER_RUN = 200;
    private static final Logger LOG = Logger.getLogger(Agents.class);

    private Agents() {
    }

    /** A failed run is logged and the next one, at the next interval, tries again. */
    static Uni<Void> logged(String agent, Uni<Integer> run) {
        return run.onFailure().invoke(e -> LOG.warnf("%s failed, will run again: %s", agent, e.toString()))
                .onFailure().recoverWithNull()
                .replaceWithVoid();
    }

    /** Runs {@code endOne} until it finds nothing more to end, at most {@link #MAX_ENDED_PER_RUN} times. */
    static Uni<Integer> endEach(Supplier<Uni<JobRow>> endOne, Consumer<JobRow> ended) {
        return endEach(endOne, ended, 0);
    }

    private static Uni<Integer> endEach(Supplier<Uni<JobRow>> endOne, Consumer<JobRow> ended, int count) {
        if (count >= MAX_ENDED_PER_RUN) {
            return Uni.createFrom().item(count);
        }
        return endOne.get().flatMap(job -> {
            if (job == null) {
                return Uni.createFrom().item(count);
            }
            ended.accept(job);
            return endEach(endOne, ended, count + 1);
        });
    }
}
