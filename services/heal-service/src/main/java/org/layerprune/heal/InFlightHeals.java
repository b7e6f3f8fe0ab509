package org.layerprune.heal;

import io.quarkus.runtime.ShutdownEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.interceptor.Interceptor;
import java.time.Duration;
import java.util.Collection;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.apache.kafka.common.TopicPartition;

/**
 * The heals under way, by the partition their record came from, and the partitions this worker has given up: a heal
 * whose partition is revoked (another worker of the group now owns it), or any heal once the service shuts down, is
 * told to stop; Healer then writes a checkpoint after its current update and throws, and the record stays
 * unacknowledged, so that the partition's next owner resumes from that checkpoint.
 */
@ApplicationScoped
public class InFlightHeals {

    private static final System.Logger LOG = System.getLogger(InFlightHeals.class.getName());

    private final Set<Heal> running = ConcurrentHashMap.newKeySet();
    private final Set<TopicPartition> revoked = ConcurrentHashMap.newKeySet();
    private final Duration cancelWait;
    private volatile boolean stopping;

    InFlightHeals(HealConfig config) {
        this.cancelWait = config.cancelWait();
    }

    /** A heal of a record from {@code partition} starts; close it when it ends, however. */
    Heal start(TopicPartition partition) {
        Heal heal = new Heal(partition);
        running.add(heal);
        if (stopping || revoked.contains(partition)) { // given up between the poll and this worker
            heal.cancelled = true;
        }
        return heal;
    }

    /** The partitions are this worker's again (or for the first time). */
    void assigned(Collection<TopicPartition> partitions) {
        revoked.removeAll(partitions);
    }

    /** Cancels the heals of {@code partitions} and waits until they have checkpointed and stopped. */
    void revoked(Collection<TopicPartition> partitions) {
        revoked.addAll(partitions);
        cancel(heal -> partitions.contains(heal.partition));
    }

    /**
     * On a graceful shutdown, every heal checkpoints rather than losing its work: first among the shutdown observers,
     * while the consumer, the producers and the artifact root are all still there.
     */
    void onStop(@Observes @Priority(Interceptor.Priority.PLATFORM_BEFORE) ShutdownEvent event) {
        stopping = true;
        cancel(heal -> true);
    }

    private void cancel(Predicate<Heal> which) {
        long deadline = System.nanoTime() + cancelWait.toNanos();
        for (Heal heal : running.stream().filter(which).toList()) {
            heal.cancelled = true;
            LOG.log(System.Logger.Level.INFO, "cancelling the heal of a record from " + heal.partition);
            try {
                if (!heal.stopped.await(deadline - System.nanoTime(), TimeUnit.NANOSECONDS)) {
                    LOG.log(System.Logger.Level.WARNING, "the heal of a record from " + heal.partition
                            + " did not stop within " + cancelWait + "; the next owner may start before its checkpoint");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** One heal under way. */
    final class Heal implements AutoCloseable {

        private final TopicPartition partition;
        private final CountDownLatch stopped = new CountDownLatch(1);
        private volatile boolean cancelled;

        private Heal(TopicPartition partition) {
            this.partition = partition;
        }

        /** Healer's cancel check, before every update. */
        boolean cancelled() {
            return cancelled;
        }

        @Override
        public void close() {
            running.remove(this);
            stopped.countDown();
        }
    }
}
