package org.layerprune.heal;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Instant;
import java.util.function.Consumer;
import org.layerprune.contracts.events.Event;
import org.layerprune.contracts.events.HealProgress;
import org.layerprune.contracts.events.PipelineStage;
import org.layerprune.contracts.events.VariantId;
import org.layerprune.core.heal.Healer;
import org.layerprune.core.heal.TrainingLog;

/**
 * What a heal reports while it trains: heal.progress every few updates, on the last and on each validation, sent
 * without waiting for the broker (training must not stall on it; a lost progress event costs nothing), and the
 * tokens trained on the {@value #TOKENS} counter.
 */
final class ProgressEvents implements Healer.Listener {

    /** Training tokens of every update this process made; Prometheus {@code layerprune_heal_tokens_total}. */
    static final String TOKENS = "layerprune.heal.tokens";

    private static final System.Logger LOG = System.getLogger(ProgressEvents.class.getName());

    private final VariantId source;
    private final int every;
    private final long tokensPerUpdate;
    private final Counter tokens;
    private final Consumer<HealProgress> send;

    ProgressEvents(VariantId source, int every, long tokensPerUpdate, Counter tokens, Consumer<HealProgress> send) {
        this.source = source;
        this.every = every;
        this.tokensPerUpdate = tokensPerUpdate;
        this.tokens = tokens;
        this.send = send;
    }

    /** The {@value #TOKENS} counter of {@code registry}, tagged with the stage only. */
    static Counter tokens(MeterRegistry registry) {
        return Counter.builder(TOKENS).description("Training tokens healed by this worker")
                .tag("stage", PipelineStage.HEAL.wireName()).register(registry);
    }

    @Override
    public void started(long fromStep, long totalSteps) {
        LOG.log(System.Logger.Level.INFO, "healing " + source + " from update " + fromStep + " of " + totalSteps);
    }

    @Override
    public void stepDone(TrainingLog.Entry entry, long totalSteps) {
        tokens.increment(tokensPerUpdate);
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
