package org.layerprune.stage;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.layerprune.contracts.events.PipelineStage;

/**
 * A stage's meters, tagged by stage and outcome only (never by experiment or variant: those are unbounded):
 * <ul>
 *   <li>{@value #DURATION} (timer): the time of each unit of work (a probe, one variant's prune, one variant's
 *       evaluation), reused outputs included;
 *   <li>{@value #OUTCOME} (counter): units of work by outcome;
 *   <li>{@value #INFLIGHT} (gauge): units of work under way now.
 * </ul>
 * On Prometheus: {@code layerprune_stage_duration_seconds_count{outcome="success",stage="probe"}},
 * {@code layerprune_stage_outcome_total{...}}, {@code layerprune_stage_inflight{stage="probe"}}.
 */
public final class StageMetrics {

    public static final String DURATION = "layerprune.stage.duration";
    public static final String OUTCOME = "layerprune.stage.outcome";
    public static final String INFLIGHT = "layerprune.stage.inflight";

    /** How a unit of work ended. */
    public enum Outcome {
        /** Computed and emitted. */
        SUCCESS,
        /** Found complete from an earlier delivery and emitted again. */
        REUSED,
        /** Emitted as stage.failed. */
        FAILED,
        /** Given up unfinished and not emitted (a rebalance or shutdown), for a later delivery to resume. */
        CANCELLED;

        /** The tag value. */
        public String tag() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private final AtomicInteger inflight = new AtomicInteger();
    private final Map<Outcome, Timer> timers = new EnumMap<>(Outcome.class);
    private final Map<Outcome, Counter> counters = new EnumMap<>(Outcome.class);

    /** Registers the stage's meters, every outcome at zero, so that dashboards see them before any work. */
    public StageMetrics(MeterRegistry registry, PipelineStage stage) {
        String name = stage.wireName();
        for (Outcome outcome : Outcome.values()) {
            timers.put(outcome, Timer.builder(DURATION).description("Time of a stage's unit of work")
                    .tags("stage", name, "outcome", outcome.tag()).register(registry));
            counters.put(outcome, Counter.builder(OUTCOME).description("A stage's units of work by outcome")
                    .tags("stage", name, "outcome", outcome.tag()).register(registry));
        }
        Gauge.builder(INFLIGHT, inflight, AtomicInteger::get).description("A stage's units of work under way")
                .tags("stage", name).register(registry);
    }

    /** Starts timing a unit of work; close the run when it ends, after saying how. */
    public Run start() {
        inflight.incrementAndGet();
        return new Run(System.nanoTime());
    }

    /** One unit of work under way. Closed without an outcome, it counts as failed. */
    public final class Run implements AutoCloseable {

        private final long start;
        private Outcome outcome = Outcome.FAILED;
        private boolean closed;

        private Run(long start) {
            this.start = start;
        }

        /** Says how the work ended; the last call counts. */
        public void outcome(Outcome ended) {
            outcome = ended;
        }

        @Override
        public void close() {
            if (closed) {
                return;
            }
            closed = true;
            inflight.decrementAndGet();
            timers.get(outcome).record(System.nanoTime() - start, java.util.concurrent.TimeUnit.NANOSECONDS);
            counters.get(outcome).increment();
        }
    }
}
