package org.layerprune.allinone;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalInt;
import org.layerprune.contracts.events.ArtifactModel;
import org.layerprune.contracts.events.BlockSizes;
import org.layerprune.contracts.events.CalibrationSettings;
import org.layerprune.contracts.events.EvalTaskName;
import org.layerprune.contracts.events.EvalTaskSettings;
import org.layerprune.contracts.events.Event;
import org.layerprune.contracts.events.ExperimentRequested;
import org.layerprune.contracts.events.HealSettings;
import org.layerprune.contracts.events.LoraTarget;
import org.layerprune.contracts.events.ProbeMetric;
import org.layerprune.contracts.events.PruneStrategy;
import org.layerprune.contracts.events.Quantization;

/**
 * The experiment the all-in-one submits: every block size 1..L-1 pruned at l*(n) of the paper's metric, each variant
 * healed briefly with QLoRA on the paper's targets, every variant (and the baseline) scored on the validation loss.
 * Sized for a tiny model on a laptop, not for the paper's numbers: 64 calibration sequences of 128 tokens, heals of
 * {@code --steps} updates on batches of 8 sequences of 128 tokens, at a peak rate ten times the paper's.
 */
final class DefaultExperiment {

    static final int CALIBRATION_SAMPLES = 64;
    static final int MAX_LENGTH = 128;
    static final int HEAL_BATCH = 8;
    static final double LEARNING_RATE = 3e-3;
    static final int RANK = 8;

    private DefaultExperiment() {
    }

    /**
     * The request for {@code inputs} with heals of {@code steps} updates. Its id is derived from these settings, so
     * the same run again is answered from the outputs already under the artifact root (nothing is computed twice),
     * and other settings make another experiment.
     */
    static ExperimentRequested request(RunInputs inputs, int steps) {
        HealSettings heal = new HealSettings(inputs.calibration(), inputs.eval(), steps, Math.max(1, steps / 10),
                LEARNING_RATE, RANK, RANK, 0.05, Quantization.NF4,
                List.of(LoraTarget.GATE_PROJ, LoraTarget.UP_PROJ, LoraTarget.DOWN_PROJ), HEAL_BATCH, MAX_LENGTH, 0,
                Math.max(1, steps / 4));
        List<EvalTaskSettings> tasks = List.of(new EvalTaskSettings(EvalTaskName.LOSS, inputs.eval(),
                Optional.empty(), OptionalInt.empty(), OptionalInt.empty()));
        CalibrationSettings calibration = new CalibrationSettings(inputs.calibration(), CALIBRATION_SAMPLES,
                MAX_LENGTH, 0);
        String settings = String.join("|", "v1", inputs.model().path(), inputs.calibration().path(),
                inputs.eval().path(), heal.toString(), calibration.toString(), tasks.toString());
        String id = "run-" + name(inputs.model().path()) + "-" + hash(settings);
        return new ExperimentRequested(Event.SCHEMA_VERSION, id, Instant.now(), new ArtifactModel(inputs.model()),
                calibration, ProbeMetric.DEFAULT, BlockSizes.all(), PruneStrategy.SIMILARITY, heal, tasks);
    }

    /** The model directory's name as it may stand in an experiment id (lower-case letters, digits, '-'), short. */
    private static String name(String ref) {
        String last = ref.substring(ref.lastIndexOf('/') + 1).toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-");
        last = last.length() > 24 ? last.substring(0, 24) : last;
        last = last.replaceAll("^-+|-+$", "");
        return last.isEmpty() ? "model" : last;
    }

    private static String hash(String text) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 4);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JVM", e);
        }
    }
}
