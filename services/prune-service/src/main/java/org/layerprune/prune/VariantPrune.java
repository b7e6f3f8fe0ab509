package org.layerprune.prune;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.OptionalInt;
import org.layerprune.contracts.events.Event;
import org.layerprune.contracts.events.PruneStrategy;
import org.layerprune.contracts.events.SimilarityProbed;
import org.layerprune.contracts.events.VariantId;
import org.layerprune.contracts.events.VariantPruned;
import org.layerprune.core.checkpoint.Checkpoint;
import org.layerprune.core.checkpoint.CheckpointException;
import org.layerprune.core.checkpoint.CheckpointHash;
import org.layerprune.core.model.LlamaConfig;
import org.layerprune.core.model.LlamaModel;
import org.layerprune.core.prune.BlockSelection;
import org.layerprune.core.prune.LayerPruner;
import org.layerprune.core.prune.Provenance;
import org.layerprune.core.prune.PruneReport;
import org.layerprune.core.similarity.ProbeResult;
import org.layerprune.stage.ArtifactRoot;
import org.layerprune.stage.StageOutputs;

/** The variants of one probed model, made as the CLI's {@code prune} command makes them. */
final class VariantPrune {

    private final ArtifactRoot root;

    VariantPrune(ArtifactRoot root) {
        this.root = root;
    }

    /** The unpruned model as variant n = 0: its own checkpoint, not a copy, checked to be the model probed. */
    StageOutputs.Output<VariantPruned> baseline(SimilarityProbed probed) {
        long start = System.nanoTime();
        Path model = root.existing(probed.model(), "model");
        long parameters;
        try (Checkpoint checkpoint = Checkpoint.open(model)) {
            String hash = CheckpointHash.of(checkpoint);
            if (!hash.equals(probed.modelHash())) {
                throw new CheckpointException(model + ": content hash " + hash + " is not the probed model's "
                        + probed.modelHash());
            }
            parameters = LlamaModel.parameterCount(LlamaConfig.read(checkpoint.configFile()));
        }
        return StageOutputs.Output.of(new VariantPruned(Event.SCHEMA_VERSION, probed.experimentId(),
                VariantId.baseline(probed.experimentId()), Instant.now(), 0, OptionalInt.empty(), probed.strategy(),
                List.of(), probed.layers(), probed.layers(), probed.model(), probed.modelHash(), probed.modelHash(),
                parameters, (System.nanoTime() - start) / 1e9, probed.heal(), probed.evalTasks()));
    }

    /** The model with {@code n} layers removed: l*(n) of the probe, or the paper's simple choice. */
    StageOutputs.Output<VariantPruned> pruned(SimilarityProbed probed, int n) {
        long start = System.nanoTime();
        Path model = root.existing(probed.model(), "model");
        VariantId id = VariantId.pruned(probed.experimentId(), n);
        BlockSelection block;
        Provenance provenance;
        if (probed.strategy() == PruneStrategy.SIMILARITY) {
            ProbeResult probe = probeResult(probed);
            block = BlockSelection.fromProbe(probe, n);
            provenance = Provenance.fromProbe(probe, block); // the pruner checks the model is the one probed
        } else {
            block = BlockSelection.simple(probed.layers(), n);
            provenance = Provenance.simple();
        }
        // mergekit.yaml names the model by its ref: a path under the artifact root wherever that root is mounted
        PruneReport report = LayerPruner.prune(model, probed.model().toString(), block, provenance,
                root.checkpointDir(id), true);
        return StageOutputs.Output.of(new VariantPruned(Event.SCHEMA_VERSION, probed.experimentId(), id,
                Instant.now(), n, OptionalInt.of(block.start()), probed.strategy(), report.removedLayers(),
                report.layersBefore(), report.layersAfter(), root.ref(report.output()), report.outputHash(),
                report.sourceHash(), report.parameters(), (System.nanoTime() - start) / 1e9, probed.heal(),
                probed.evalTasks()));
    }

    /** The probe as core holds it, from the event that carries it whole. */
    private static ProbeResult probeResult(SimilarityProbed probed) {
        double[][] distances = probed.distances().stream()
                .map(row -> row.stream().mapToDouble(Double::doubleValue).toArray())
                .toArray(double[][]::new);
        return new ProbeResult(probed.metric().wireName(), probed.layers(), probed.samples(), probed.tokens(),
                distances, probed.modelHash());
    }
}
