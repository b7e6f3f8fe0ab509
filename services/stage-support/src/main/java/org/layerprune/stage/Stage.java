package org.layerprune.stage;

import io.micrometer.core.instrument.MeterRegistry;
import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.layerprune.contracts.events.Event;
import org.layerprune.contracts.events.EventType;
import org.layerprune.contracts.events.PipelineStage;
import org.layerprune.contracts.events.StageFailed;
import org.layerprune.contracts.events.VariantId;

/**
 * One stage of the pipeline as its service runs it: each unit of work (a probe, one variant's prune, one variant's
 * evaluation) is done at most once ({@link StageOutputs}), timed and counted ({@link StageMetrics}), and emitted
 * with its key and CloudEvents headers; whatever it throws becomes a {@code stage.failed} event ({@link Failures})
 * and the service goes on with the next, except a {@link CancellationException}: work handed back unfinished (the
 * heal stage on a rebalance or shutdown) is neither emitted nor failed, and the caller leaves its record unacknowledged.
 */
public final class Stage {

    private static final System.Logger LOG = System.getLogger(Stage.class.getName());

    private final PipelineStage stage;
    private final String source;
    private final ArtifactRoot root;
    private final StageMetrics metrics;
    private final StageOutputs outputs = new StageOutputs();
    private final Consumer<Message<StageFailed>> failures;

    /**
     * @param service the service's name, e.g. {@code probe-service}: the CloudEvents source
     * @param failures sends to stage.failed and waits until the broker has it
     */
    public Stage(PipelineStage stage, String service, ArtifactRoot root, MeterRegistry registry,
            Consumer<Message<StageFailed>> failures) {
        this.stage = stage;
        this.source = EventMessages.source(service);
        this.root = root;
        this.metrics = new StageMetrics(registry, stage);
        this.failures = failures;
    }

    public ArtifactRoot root() {
        return root;
    }

    /**
     * Does one unit of work for {@code input} once, into the output directory {@code output}, and emits its event
     * (recorded or new) with {@code emit}, which waits until the broker has it.
     *
     * @param variant the variant the work is about, if any: named in stage.failed
     * @param intact whether a recorded event may still be re-emitted (e.g. its checkpoint is whole)
     * @return the event emitted; empty when the work failed and stage.failed was emitted instead
     * @throws CancellationException when {@code work} was cancelled: nothing is emitted (outcome cancelled)
     */
    public <E extends Event> Optional<E> run(Event input, Optional<VariantId> variant, Path output, EventType<E> type,
            Predicate<E> intact, Supplier<StageOutputs.Output<E>> work, Consumer<Message<E>> emit) {
        try (StageMetrics.Run run = metrics.start()) {
            StageOutputs.Result<E> result;
            try {
                result = outputs.once(output, type, intact, work);
            } catch (CancellationException e) {
                run.outcome(StageMetrics.Outcome.CANCELLED);
                throw e; // not a failure: the work stopped where a later delivery resumes it
            } catch (Exception | OutOfMemoryError e) {
                StageFailed failed = Failures.of(e, stage, input, variant, root);
                LOG.log(Level.WARNING, stage.wireName() + " failed for " + variant.map(Object::toString)
                        .orElse(input.experimentId()) + ": " + failed.code() + ": " + failed.message(), e);
                failures.accept(EventMessages.of(failed, source));
                return Optional.empty();
            }
            emit.accept(EventMessages.of(result.event(), source));
            run.outcome(result.reused() ? StageMetrics.Outcome.REUSED : StageMetrics.Outcome.SUCCESS);
            return Optional.of(result.event());
        }
    }

    /** {@link #run} for outputs that depend on nothing outside their directory. */
    public <E extends Event> Optional<E> run(Event input, Optional<VariantId> variant, Path output, EventType<E> type,
            Supplier<StageOutputs.Output<E>> work, Consumer<Message<E>> emit) {
        return run(input, variant, output, type, event -> true, work, emit);
    }
}
