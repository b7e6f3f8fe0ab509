package org.layerprune.stage.testing;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.UUID;
import java.util.stream.Stream;
import org.layerprune.contracts.artifact.ArtifactRef;
import org.layerprune.contracts.events.ArtifactModel;
import org.layerprune.contracts.events.BlockSizes;
import org.layerprune.contracts.events.CalibrationSettings;
import org.layerprune.contracts.events.EvalTaskName;
import org.layerprune.contracts.events.EvalTaskSettings;
import org.layerprune.contracts.events.Event;
import org.layerprune.contracts.events.ExperimentRequested;
import org.layerprune.contracts.events.HealSettings;
import org.layerprune.contracts.events.LoraTarget;
import org.layerprune.contracts.events.ModelSource;
import org.layerprune.contracts.events.ProbeMetric;
import org.layerprune.contracts.events.PruneStrategy;
import org.layerprune.contracts.events.Quantization;
import org.layerprune.contracts.events.SimilarityProbed;
import org.layerprune.core.checkpoint.Checkpoint;
import org.layerprune.core.checkpoint.CheckpointHash;

/**
 * The stories260K fixtures (../shared beside the checkout, or $LAYERPRUNE_SHARED) copied into a service's artifact
 * root, where refs can name them (a symbolic link out of the root would be refused), and requests that use them.
 */
public final class SharedFixtures {

    public static final ArtifactRef MODEL = ArtifactRef.of("models/stories260K");
    public static final ArtifactRef CALIBRATION = ArtifactRef.of("data/stories260K/calib.jsonl");
    public static final ArtifactRef EVAL = ArtifactRef.of("data/stories260K/eval.jsonl");

    private SharedFixtures() {
    }

    /** The shared directory, when this machine has one. */
    public static Optional<Path> shared() {
        String env = System.getenv("LAYERPRUNE_SHARED");
        if (env != null && !env.isBlank()) {
            return Optional.of(Path.of(env)).filter(Files::isDirectory);
        }
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isDirectory(dir.resolve("shared/models/stories260K"))) {
                return Optional.of(dir.resolve("shared"));
            }
        }
        return Optional.empty();
    }

    /** Copies the stories260K model and data into {@code root} unless there; skips the test on a machine without. */
    public static void install(Path root) {
        Optional<Path> shared = shared();
        assumeTrue(shared.isPresent(), "no shared fixtures (../shared) on this machine; set LAYERPRUNE_SHARED");
        copyTree(shared.get().resolve(MODEL.path()), root.resolve(MODEL.path()));
        copyTree(shared.get().resolve("data/stories260K"), root.resolve("data/stories260K"));
    }

    /** A unique experiment id starting with {@code prefix}: the broker is shared by a module's test classes. */
    public static String experimentId(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** A small stories260K experiment: 16 calibration sequences of 64 tokens, the loss task on 16 sequences. */
    public static ExperimentRequested request(String experimentId, ModelSource model, BlockSizes blockSizes) {
        return new ExperimentRequested(Event.SCHEMA_VERSION, experimentId, Instant.now(), model,
                new CalibrationSettings(CALIBRATION, 16, 64, 0), ProbeMetric.DEFAULT, blockSizes,
                PruneStrategy.SIMILARITY, heal(), evalTasks());
    }

    /** {@link #request} of the stories260K model under the artifact root. */
    public static ExperimentRequested request(String experimentId, BlockSizes blockSizes) {
        return request(experimentId, new ArtifactModel(MODEL), blockSizes);
    }

    /**
     * What the probe service emits for stories260K: {@code modelHash} is the fixture's CheckpointHash (the pruner checks
     * it), the distances are made up, with l*(n) = 1 for every n.
     */
    public static SimilarityProbed probed(String experimentId, String modelHash, PruneStrategy strategy,
            List<Integer> blockSizes) {
        List<List<Double>> distances = List.of(List.of(0.30, 0.10, 0.12, 0.20, 0.50),
                List.of(0.35, 0.15, 0.25, 0.55), List.of(0.40, 0.20, 0.60), List.of(0.45, 0.30));
        return new SimilarityProbed(Event.SCHEMA_VERSION, experimentId, Instant.now(), MODEL, modelHash, 5,
                ProbeMetric.DEFAULT, distances, List.of(1, 1, 1, 1), 16, 1024, blockSizes, strategy, 1.0, heal(),
                evalTasks());
    }

    /** The CheckpointHash of the stories260K model installed under {@code root}. */
    public static String modelHash(Path root) {
        try (Checkpoint checkpoint = Checkpoint.open(root.resolve(MODEL.path()))) {
            return CheckpointHash.of(checkpoint);
        }
    }

    public static HealSettings heal() {
        return new HealSettings(CALIBRATION, EVAL, 4, 1, 3e-4, 4, 4.0, 0.05, Quantization.NF4,
                List.of(LoraTarget.GATE_PROJ, LoraTarget.UP_PROJ, LoraTarget.DOWN_PROJ), 2, 64, 0, 2);
    }

    public static List<EvalTaskSettings> evalTasks() {
        return List.of(new EvalTaskSettings(EvalTaskName.LOSS, EVAL, Optional.empty(), OptionalInt.empty(),
                OptionalInt.of(16)));
    }

    private static void copyTree(Path from, Path to) {
        if (Files.isDirectory(to)) {
            return;
        }
        Path tmp = to.resolveSibling("." + to.getFileName() + ".tmp-" + UUID.randomUUID());
        try (Stream<Path> files = Files.walk(from)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                Path target = tmp.resolve(from.relativize(file).toString());
                if (Files.isDirectory(file)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(file, target);
                }
            }
            Files.move(tmp, to, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot copy fixture " + from + " to " + to, e);
        }
    }
}
