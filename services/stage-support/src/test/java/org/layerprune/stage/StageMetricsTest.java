package org.layerprune.stage;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.layerprune.contracts.events.PipelineStage;

class StageMetricsTest {

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final StageMetrics metrics = new StageMetrics(registry, PipelineStage.PRUNE);

    @Test
    void countsAndTimesEachUnitOfWorkByOutcome() {
        try (StageMetrics.Run run = metrics.start()) {
            assertEquals(1.0, inflight());
            run.outcome(StageMetrics.Outcome.SUCCESS);
        }
        try (StageMetrics.Run run = metrics.start()) {
            run.outcome(StageMetrics.Outcome.REUSED);
        }
        try (StageMetrics.Run ignored = metrics.start()) {
            // closed without an outcome: an exception escaped
        }

        assertEquals(0.0, inflight());
        assertEquals(1.0, count("success"));
        assertEquals(1.0, count("reused"));
        assertEquals(1.0, count("failed"));
        assertEquals(1, registry.get(StageMetrics.DURATION).tags("stage", "prune", "outcome", "success").timer().count());
    }

    @Test
    void everyOutcomeIsRegisteredBeforeAnyWork() {
        assertEquals(0.0, count("failed"));
        assertEquals(4, registry.get(StageMetrics.DURATION).timers().size());
    }

    private double count(String outcome) {
        return registry.get(StageMetrics.OUTCOME).tags("stage", "prune", "outcome", outcome).counter().count();
    }

    private double inflight() {
        return registry.get(StageMetrics.INFLIGHT).tags("stage", "prune").gauge().value();
    }
}
