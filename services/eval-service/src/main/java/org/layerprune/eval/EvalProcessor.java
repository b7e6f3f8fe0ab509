package org.layerprune.eval;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.Startup;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.annotations.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Optional;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.layerprune.contracts.events.PipelineStage;
import org.layerprune.contracts.events.StageFailed;
import org.layerprune.contracts.events.VariantEvaluated;
import org.layerprune.contracts.events.VariantHealed;
import org.layerprune.contracts.events.VariantPruned;
import org.layerprune.stage.ArtifactRoot;
import org.layerprune.stage.Devices;
import org.layerprune.stage.Stage;

/**
 * Reads variants.pruned (the baseline n = 0 and every pruned variant) and variants.healed, and emits one
 * variants.evaluated per variant with the scores of every task its experiment asked for, each variant once: the
 * output is {@code experiments/<id>/variants/<variantId>/eval/}. Records that cannot be read go to eval-service.dlq.
 */
@Startup // meters on /q/metrics from the start, and a bad artifact root or device fails the start
@ApplicationScoped
public class EvalProcessor {

    public static final String SERVICE = "eval-service";
    /** Reads topic variants.pruned; named by service, as every incoming channel (see probe-service). */
    public static final String PRUNED = "eval-variants-pruned";
    /** Reads topic variants.healed. */
    public static final String HEALED = "eval-variants-healed";
    /** Writes topic variants.evaluated. */
    public static final String EVALUATED = "variants-evaluated";
    /** Writes topic stage.failed (each service; one shared channel when they are combined). */
    public static final String FAILED = "stage-failed";

    private final Stage stage;
    private final VariantEvaluation evaluation;
    private final MutinyEmitter<VariantEvaluated> evaluated;

    EvalProcessor(EvalConfig config, MeterRegistry registry,
            @Channel(EVALUATED) MutinyEmitter<VariantEvaluated> evaluated,
            @Channel(FAILED) MutinyEmitter<StageFailed> failed) {
        ArtifactRoot root = new ArtifactRoot(config.artifactRoot());
        this.stage = new Stage(PipelineStage.EVAL, SERVICE, root, registry, failed::sendMessageAndAwait);
        this.evaluation = new VariantEvaluation(root, Devices.parse(config.device()), config.eval().batchSize());
        this.evaluated = evaluated;
    }

    /** Evaluates on the eval-worker pool: MMLU on a large model runs for hours. */
    @Incoming(PRUNED)
    @Blocking(value = "eval-worker", ordered = false)
    public void evaluatePruned(VariantPruned variant) {
        stage.run(variant, Optional.of(variant.variantId()), stage.root().stageDir(variant.variantId(),
                PipelineStage.EVAL), VariantEvaluated.TYPE, () -> evaluation.run(variant.variantId(),
                variant.checkpoint(), variant.checkpointHash(), variant.evalTasks()), evaluated::sendMessageAndAwait);
    }

    /** As {@link #evaluatePruned}, for the merged checkpoint of a healed variant. */
    @Incoming(HEALED)
    @Blocking(value = "eval-worker", ordered = false)
    public void evaluateHealed(VariantHealed variant) {
        stage.run(variant, Optional.of(variant.variantId()), stage.root().stageDir(variant.variantId(),
                PipelineStage.EVAL), VariantEvaluated.TYPE, () -> evaluation.run(variant.variantId(),
                variant.checkpoint(), variant.checkpointHash(), variant.evalTasks()), evaluated::sendMessageAndAwait);
    }
}
