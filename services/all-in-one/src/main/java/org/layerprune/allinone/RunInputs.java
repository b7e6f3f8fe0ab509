package org.layerprune.allinone;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.stream.Stream;
import org.layerprune.contracts.artifact.ArtifactRef;

/**
 * The run's model and data as refs under the artifact root. Events name artifacts by ref, and a ref may not lead out of
 * the root (not even through a symbolic link), so a model or data directory outside the root is copied in, as
 * {@code models/<name>} and {@code data/<name>}, once: a later run finds the copy. Only small models are copied; a
 * large one must already lie under the root.
 *
 * @param model the checkpoint directory
 * @param calibration the probe's and heal's sequences
 * @param eval the held-out sequences for the loss
 */
record RunInputs(ArtifactRef model, ArtifactRef calibration, ArtifactRef eval) {

    /** The largest model copied into the root: stories260K is 1 MiB, a 1B model 2-5 GiB. */
    static final long COPY_LIMIT_BYTES = 1L << 30;
    static final String CALIBRATION_FILE = "calib.jsonl";
    static final String EVAL_FILE = "eval.jsonl";

    /**
     * The refs of {@code modelDir} and {@code dataDir}, copied under {@code root} when outside it.
     *
     * @throws IllegalArgumentException when a directory or data file is missing, a model outside the root is too
     *     large to copy, or a copy under the root holds other files
     */
    static RunInputs install(Path root, Path modelDir, Path dataDir) {
        check(modelDir, dataDir);
        Path realRoot = real(root);
        Path model = inside(realRoot, modelDir, "models", true);
        Path data = inside(realRoot, dataDir, "data", false);
        return new RunInputs(ArtifactRef.of(realRoot, model), ArtifactRef.of(realRoot, data.resolve(CALIBRATION_FILE)),
                ArtifactRef.of(realRoot, data.resolve(EVAL_FILE)));
    }

    /**
     * Checks that {@code modelDir} is a checkpoint directory and {@code dataDir} holds both data files.
     *
     * @throws IllegalArgumentException naming what is missing
     */
    static void check(Path modelDir, Path dataDir) {
        require(modelDir.resolve("config.json"), "--model " + modelDir + " is not a checkpoint directory");
        require(dataDir.resolve(CALIBRATION_FILE), "--data " + dataDir + " has no " + CALIBRATION_FILE);
        require(dataDir.resolve(EVAL_FILE), "--data " + dataDir + " has no " + EVAL_FILE);
    }

    /** {@code dir} itself when it lies under the root, else its copy in {@code <root>/<kind>/<name>}. */
    private static Path inside(Path root, Path dir, String kind, boolean limited) {
        Path real;
        try {
            real = dir.toRealPath();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot use " + dir + ": " + e.getMessage(), e);
        }
        if (real.startsWith(root) && !real.equals(root)) {
            return real;
        }
        Map<String, Long> files = files(real);
        long bytes = files.values().stream().mapToLong(Long::longValue).sum();
        if (limited && bytes > COPY_LIMIT_BYTES) {
            throw new IllegalArgumentException(dir + " (" + (bytes >> 20) + " MiB) is outside the artifact root "
                    + root + " and too large to copy there: move it under the root or pass --artifact-root");
        }
        Path copy = root.resolve(kind).resolve(real.getFileName().toString());
        if (Files.isDirectory(copy)) {
            if (!files(copy).equals(files)) {
                throw new IllegalArgumentException(copy + " exists with other files than " + dir + ": remove it or"
                        + " pass another --artifact-root");
            }
            return copy;
        }
        copyTree(real, copy);
        return copy;
    }

    /** Every regular file under {@code dir}, by relative path, with its size. */
    private static Map<String, Long> files(Path dir) {
        Map<String, Long> files = new TreeMap<>();
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path file : (Iterable<Path>) walk.filter(Files::isRegularFile)::iterator) {
                files.put(dir.relativize(file).toString(), Files.size(file));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir, e);
        }
        return files;
    }

    /** Copies {@code from} to {@code to} at once: into a hidden sibling, then one rename. */
    private static void copyTree(Path from, Path to) {
        Path tmp = to.resolveSibling("." + to.getFileName() + ".tmp-" + UUID.randomUUID());
        try (Stream<Path> walk = Files.walk(from)) {
            Files.createDirectories(to.getParent());
            for (Path file : (Iterable<Path>) walk::iterator) {
                Path target = tmp.resolve(from.relativize(file).toString());
                if (Files.isDirectory(file)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(file, target); // read-only sources (a shared fixture) give writable copies
                    target.toFile().setWritable(true, true);
                }
            }
            Files.move(tmp, to, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot copy " + from + " to " + to, e);
        }
    }

    private static void require(Path file, String problem) {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException(problem);
        }
    }

    private static Path real(Path root) {
        try {
            return Files.createDirectories(root).toRealPath();
        } catch (IOException e) {
            throw new UncheckedIOException("artifact root " + root + " cannot be used: " + e.getMessage(), e);
        }
    }
}
