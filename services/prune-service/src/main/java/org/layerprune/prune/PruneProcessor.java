package org.layerprune.prune;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.Startup;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.annotations.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Optional;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.layerprune.contracts.events.PipelineStage;
import org.layerprune.contracts.events.SimilarityProbed;
import org.layerprune.contracts.events.StageFailed;
import org.layerprune.contracts.events.VariantId;
import org.layerprune.contracts.events.VariantPruned;
import org.layerprune.stage.ArtifactRoot;
import org.layerprune.stage.Stage;
import org.layerprune.stage.StageOutputs;

/**
 * Reads similarity.probed and emits variants.pruned for the baseline (n = 0, the source model itself) and for each
 * block size, each variant once: its checkpoint is {@code experiments/<id>/variants/<variantId>/checkpoint/} under the
 * artifact root, and a probe delivered again re-emits the variants whose checkpoints are still whole. A variant that
 * fails becomes stage.failed and the others go on. Records that cannot be read go to prune-service.dlq.
 */
@Startup // meters on /q/metrics from the start, and a bad artifact root or device fails the start
@ApplicationScoped
public class PruneProcessor {

    public static final String SERVICE = "prune-service";
    /** Reads topic similarity.probed; named by service, as every incoming channel (see probe-service). */
    public static final String PROBED = "prune-similarity-probed";
    /** Writes topic variants.pruned. */
    public static final String PRUNED = "variants-pruned";
    /** Writes topic stage.failed (each service; one shared channel when they are combined). */
    public static final String FAILED = "stage-failed";

    private final Stage stage;
    private final VariantPrune prune;
    private final MutinyEmitter<VariantPruned> pruned;

    PruneProcessor(PruneConfig config, MeterRegistry registry, @Channel(PRUNED) MutinyEmitter<VariantPruned> pruned,
            @Channel(FAILED) MutinyEmitter<StageFailed> failed) {
        ArtifactRoot root = new ArtifactRoot(config.artifactRoot());
        this.stage = new Stage(PipelineStage.PRUNE, SERVICE, root, registry, failed::sendMessageAndAwait);
        this.prune = new VariantPrune(root);
        this.pruned = pruned;
    }

    /** Prunes on the prune-worker pool: copying a large checkpoint takes minutes of disk time. */
    @Incoming(PROBED)
    @Blocking(value = "prune-worker", ordered = false)
    public void prune(SimilarityProbed probed) {
        VariantId baseline = VariantId.baseline(probed.experimentId());
        stage.run(probed, Optional.of(baseline), stage.root().stageDir(baseline, PipelineStage.PRUNE),
                VariantPruned.TYPE, () -> prune.baseline(probed), pruned::sendMessageAndAwait);
        for (int n : probed.blockSizes()) {
            VariantId id = VariantId.pruned(probed.experimentId(), n);
            stage.run(probed, Optional.of(id), stage.root().stageDir(id, PipelineStage.PRUNE), VariantPruned.TYPE,
                    this::checkpointIntact, () -> prune.pruned(probed, n), pruned::sendMessageAndAwait);
        }
    }

    private boolean checkpointIntact(VariantPruned variant) {
        return StageOutputs.checkpointIntact(stage.root().resolve(variant.checkpoint()));
    }
}
