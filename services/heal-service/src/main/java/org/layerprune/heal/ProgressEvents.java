package org.layerprune.heal;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Instant;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.layerprune.contracts.events.Event;
import org.layerprune.contracts.events.HealProgress;
import org.layerprune.contracts.events.PipelineStage;
import org.layerprune.contracts.events.VariantId;
import org.layerprune.core.heal.Healer;
import org.layerprune.core.heal.TrainingLog;

/**
 * What a heal reports while it trains: heal.progress every few updates, on the last and on each validation, sent
 * without waiting for the broker (training must not stall on it; a lost progress event costs nothing), the
 * tokens trained on the {@value #TOKENS} counter, and the latest update's training loss on the {@value #LOSS} gauge.
 */
final class ProgressEvents implements Healer.Listener {

    /** Training tokens of every update this process made; Prometheus {@code layerprune_heal_tokens_total}. */
    static final String TOKENS = "layerprune.heal.tokens";

    /**
     * The training loss of the latest update this process made (NaN before the first); Prometheus
     * {@code layerprune_heal_loss}. Tagged with the stage only, like every meter here: a variant id is unbounded. A
     * worker heals one variant at a time, so per instance it is that heal's loss.
     */
    static final String LOSS = "layerprune.heal.loss";

    /**
     * The {@value #LOSS} gauge's value (as double bits) of each registry, found through the registry's tokens counter:
     * that counter is what the service hands each heal's ProgressEvents. Keyed by identity because meters of one name
     * in two registries are equal; the map also keeps the value strongly reachable (a gauge holds it weakly).
     */
    private static final Map<Counter, AtomicLong> LOSSES = Collections.synchronizedMap(new IdentityHashMap<>());

    private static final System.Logger LOG = System.getLogger(ProgressEvents.class.getName());

    private final VariantId source;
    private final int every;
    private final long tokensPerUpdate;
    private final Counter tokens;
    private final Consumer<HealProgress> send;
    private final AtomicLong loss;

    ProgressEvents(VariantId source, int every, long tokensPerUpdate, Counter tokens, Consumer<HealProgress> send) {
        this.source = source;
        this.every = every;
        this.tokensPerUpdate = tokensPerUpdate;
        this.tokens = tokens;
        this.send = send;
        // a counter that tokens(registry) did not register has no gauge: the loss then goes nowhere
        this.loss = LOSSES.getOrDefault(tokens, new AtomicLong());
    }

    /**
     * The {@value #TOKENS} counter of {@code registry}, tagged with the stage only; registers the {@value #LOSS} gauge
     * beside it (NaN until a heal reports), so that both show on the registry from the service's start.
     */
    static Counter tokens(MeterRegistry registry) {
        Counter tokens = Counter.builder(TOKENS).description("Training tokens healed by this worker")
                .tag("stage", PipelineStage.HEAL.wireName()).register(registry);
        LOSSES.computeIfAbsent(tokens, counter -> {
            AtomicLong bits = new AtomicLong(Double.doubleToLongBits(Double.NaN));
            Gauge.builder(LOSS, bits, value -> Double.longBitsToDouble(value.get()))
                    .description("Training loss of this worker's latest heal update")
                    .tag("stage", PipelineStage.HEAL.wireName()).register(registry);
            return bits;
        });
        return tokens;
    }

    @Override
    public void started(long fromStep, long totalSteps) {
        LOG.log(System.Logger.Level.INFO, "healing " + source + " from update " + fromStep + " of " + totalSteps);
    }

    @Override
    public void stepDone(TrainingLog.Entry entry, long totalSteps) {
        tokens.increment(tokensPerUpdate);
        loss.set(Double.doubleToLongBits(entry.loss()));
        if (entry.step() % every != 0 && entry.step() != totalSteps && entry.evalLoss().isEmpty()) {
            return;
        }
        try {
            send.accept(new HealProgress(Event.SCHEMA_VERSION, source.experimentId(), source.healed(), source,
                    Instant.now(), entry.step(), totalSteps, entry.loss(), entry.lr(), entry.tokensPerSecond(),
                    entry.evalLoss()));
        } catch (RuntimeException e) { // a full buffer or a closed channel: training goes on
            LOG.log(System.Logger.Level.WARNING, "heal.progress of " + source + " at update " + entry.step()
                    + " not sent: " + e);
        }
    }
}
