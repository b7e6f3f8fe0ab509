package org.layerprune.heal;

import ai.djl.Device;
import io.micrometer.core.instrument.Counter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.layerprune.contracts.events.Event;
import org.layerprune.contracts.events.HealProgress;
import org.layerprune.contracts.events.LoraTarget;
import org.layerprune.contracts.events.LossPoint;
import org.layerprune.contracts.events.VariantHealed;
import org.layerprune.contracts.events.VariantId;
import org.layerprune.contracts.events.VariantPruned;
import org.layerprune.core.checkpoint.Checkpoint;
import org.layerprune.core.checkpoint.CheckpointException;
import org.layerprune.core.checkpoint.CheckpointHash;
import org.layerprune.core.heal.HealData;
import org.layerprune.core.heal.HealResult;
import org.layerprune.core.heal.HealSettings;
import org.layerprune.core.heal.Healer;
import org.layerprune.core.heal.LoraConfig;
import org.layerprune.core.heal.LoraTrainer;
import org.layerprune.core.heal.TrainingLog;
import org.layerprune.core.model.LlamaModel;
import org.layerprune.core.tokenizer.Tokenizer;
import org.layerprune.stage.ArtifactRoot;
import org.layerprune.stage.StageOutputs;

/**
 * One pruned variant healed as the CLI's {@code heal} command heals a checkpoint, into
 * {@link ArtifactRoot#healDir}: a run found there (a worker's that died or handed the variant over) is resumed from its
 * newest checkpoint, a finished one is returned as it is.
 */
final class VariantHeal {

    private final ArtifactRoot root;
    private final HealConfig config;
    private final Counter tokens;
    private final Consumer<HealProgress> progress;

    VariantHeal(ArtifactRoot root, HealConfig config, Counter tokens, Consumer<HealProgress> progress) {
        this.root = root;
        this.config = config;
        this.tokens = tokens;
        this.progress = progress;
    }

    /**
     * @param cancelled checked before every update: when true, Healer checkpoints and throws
     * @throws java.util.concurrent.CancellationException when cancelled, after the checkpoint
     */
    StageOutputs.Output<VariantHealed> run(VariantPruned variant, Device device, BooleanSupplier cancelled) {
        VariantId healed = variant.variantId().healed();
        org.layerprune.contracts.events.HealSettings heal = variant.heal();
        Path model = checkpoint(variant);
        Path data = root.existing(heal.data(), "heal.data");
        Path evalData = root.existing(heal.evalData(), "heal.evalData");
        Path out = root.healDir(healed);
        HealResult result;
        try (LlamaModel loaded = LlamaModel.load(model, device)) {
            Optional<Tokenizer> tokenizer = Tokenizer.fromCheckpoint(model);
            try {
                HealSettings settings = settings(heal).forModel(loaded.config());
                int seqLen = settings.seqLen();
                Healer.Inputs inputs = new Healer.Inputs(model, loaded, HealData.trainingDocuments(data, tokenizer),
                        HealData.validationSequences(evalData, tokenizer, seqLen, config.evalLimit()));
                ProgressEvents listener = new ProgressEvents(variant.variantId(), config.progressEvery(),
                        (long) heal.batchSize() * seqLen, tokens, progress);
                result = Healer.run(inputs, settings, out, listener, cancelled);
            } finally {
                tokenizer.ifPresent(Tokenizer::close);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(root.relativize(e.getMessage()), e);
        }
        Path merged = out.resolve(Healer.MERGED_DIR);
        List<LossPoint> curve = TrainingLog.read(out.resolve(Healer.LOG_FILE)).stream()
                .map(entry -> new LossPoint(entry.step(), entry.loss())).toList();
        return StageOutputs.Output.of(new VariantHealed(Event.SCHEMA_VERSION, variant.experimentId(), healed,
                variant.variantId(), Instant.now(), variant.n(), root.ref(out.resolve(Healer.ADAPTER_DIR)),
                root.ref(merged), hash(merged), curve, evalLoss(result, true), evalLoss(result, false),
                result.steps(), result.tokens(), result.seconds(), variant.evalTasks()));
    }

    /** The pruned checkpoint, checked to be the one the event names. */
    private Path checkpoint(VariantPruned variant) {
        Path dir = root.existing(variant.checkpoint(), "checkpoint");
        String hash = hash(dir);
        if (!hash.equals(variant.checkpointHash())) {
            throw new CheckpointException(dir + ": content hash " + hash + " is not the event's "
                    + variant.checkpointHash());
        }
        return dir;
    }

    /** core's settings from the event's, with what only the workers decide from this service's configuration. */
    private HealSettings settings(org.layerprune.contracts.events.HealSettings heal) {
        int micro = Math.min(config.microBatchSize(), heal.batchSize());
        while (heal.batchSize() % micro != 0) {
            micro--; // the largest micro-batch that divides the batch
        }
        LoraConfig lora = new LoraConfig(heal.rank(), heal.alpha(), heal.dropout(),
                heal.targets().stream().map(LoraTarget::wireName).toList());
        LoraTrainer.Quantization quant = switch (heal.quant()) {
            case NF4 -> LoraTrainer.Quantization.NF4;
            case NF4_DQ -> LoraTrainer.Quantization.NF4_DQ;
            case NONE -> LoraTrainer.Quantization.NONE;
        };
        return new HealSettings(lora, quant, heal.steps(), heal.batchSize(), micro, heal.sequenceLength(),
                heal.learningRate(), heal.warmupSteps(), heal.seed(), config.evalEvery(), heal.checkpointEvery(),
                micro);
    }

    private static double evalLoss(HealResult result, boolean before) {
        return (before ? result.evalLossBefore() : result.evalLossAfter()).orElseThrow(() ->
                new IllegalArgumentException("heal.evalData holds no sequence to measure the loss on"));
    }

    private static String hash(Path dir) {
        try (Checkpoint checkpoint = Checkpoint.open(dir)) {
            return CheckpointHash.of(checkpoint);
        }
    }
}
