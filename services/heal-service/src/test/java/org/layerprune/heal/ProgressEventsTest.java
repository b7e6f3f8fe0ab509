package org.layerprune.heal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.layerprune.contracts.events.HealProgress;
import org.layerprune.contracts.events.VariantId;
import org.layerprune.core.heal.TrainingLog;

/** The heal meters: the loss gauge follows every update's training loss, per registry, tagged with the stage only. */
class ProgressEventsTest {

    private static final VariantId VARIANT = VariantId.parse("demo-n2-pruned");

    @Test
    void lossGaugeIsNaNUntilAnUpdateThenTheLatestUpdatesLoss() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        Counter tokens = ProgressEvents.tokens(registry);
        Gauge loss = registry.get(ProgressEvents.LOSS).gauge();
        assertEquals(List.of(Tag.of("stage", "heal")), loss.getId().getTags());
        assertTrue(Double.isNaN(loss.value()), "no heal yet: " + loss.value());

        List<HealProgress> sent = new ArrayList<>();
        ProgressEvents events = new ProgressEvents(VARIANT, 10, 512, tokens, sent::add);
        events.stepDone(new TrainingLog.Entry(1, 2.5, 3e-4, 1.0, 100, 1), 20);
        assertEquals(2.5, loss.value());
        // updates 1 and 2 send no heal.progress (every 10), yet the gauge follows each of them
        events.stepDone(new TrainingLog.Entry(2, 2.25, 3e-4, 1.0, 100, 2), 20);
        assertEquals(2.25, loss.value());
        assertTrue(sent.isEmpty());
        events.stepDone(new TrainingLog.Entry(10, 2.0, 3e-4, 1.0, 100, 10), 20);
        assertEquals(List.of(10L), sent.stream().map(HealProgress::step).toList());
        assertEquals(2.0, loss.value());
        assertEquals(3 * 512.0, tokens.count());
    }

    @Test
    void eachRegistryHasItsOwnLoss() {
        SimpleMeterRegistry first = new SimpleMeterRegistry();
        SimpleMeterRegistry second = new SimpleMeterRegistry();
        Counter firstTokens = ProgressEvents.tokens(first);
        ProgressEvents.tokens(second);
        // a second registration on one registry reuses its meters instead of adding a gauge
        assertEquals(firstTokens, ProgressEvents.tokens(first));
        assertEquals(1, first.find(ProgressEvents.LOSS).gauges().size());

        new ProgressEvents(VARIANT, 1, 64, firstTokens, progress -> { })
                .stepDone(new TrainingLog.Entry(1, 3.0, 3e-4, 1.0, 100, 1), 5);
        assertEquals(3.0, first.get(ProgressEvents.LOSS).gauge().value());
        assertTrue(Double.isNaN(second.get(ProgressEvents.LOSS).gauge().value()));
    }
}
