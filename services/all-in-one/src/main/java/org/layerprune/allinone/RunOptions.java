package org.layerprune.allinone;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The all-in-one's command line. Every flag is optional: without any, the run is the stories260K experiment from the
 * shared fixtures ({@code shared/} in a parent directory of the working directory, or {@code $LAYERPRUNE_SHARED}).
 *
 * @param model a Hugging Face checkpoint directory; empty: the shared stories260K
 * @param data a directory holding {@code calib.jsonl} (probe and heal) and {@code eval.jsonl} (validation loss);
 *     empty: the shared stories260K data
 * @param steps optimizer updates of each heal
 * @param artifactRoot where every stage writes, and where model and data are copied unless already inside
 * @param exit leave once the curve is printed, instead of serving metrics and health until stopped
 */
record RunOptions(Optional<Path> model, Optional<Path> data, int steps, Path artifactRoot, boolean exit) {

    /** Updates per heal when {@code --steps} is not given: the whole stories260K run takes a few minutes on 2 cores. */
    static final int DEFAULT_STEPS = 100;

    static final String USAGE = """
            usage: java -jar quarkus-run.jar [--model DIR] [--data DIR] [--steps N] [--artifact-root DIR] [--exit]

              --model DIR          Hugging Face checkpoint to prune (default: shared/models/stories260K)
              --data DIR           holds calib.jsonl and eval.jsonl (default: shared/data/stories260K)
              --steps N            updates of each heal (default: %d)
              --artifact-root DIR  where every stage writes; model and data are copied in unless inside
                                   (default: $LAYERPRUNE_ARTIFACT_ROOT, else ./artifacts)
              --exit               stop once the curve is printed (default: keep serving /q/metrics and
                                   /q/health until stopped)
            """.formatted(DEFAULT_STEPS);

    /** A command line that cannot be run; its message says why. */
    static final class UsageException extends IllegalArgumentException {
        UsageException(String message) {
            super(message);
        }
    }

    /**
     * Reads {@code args}.
     *
     * @throws UsageException for an unknown flag, a missing or malformed value
     */
    static RunOptions parse(String... args) {
        Optional<Path> model = Optional.empty();
        Optional<Path> data = Optional.empty();
        int steps = DEFAULT_STEPS;
        String env = System.getenv("LAYERPRUNE_ARTIFACT_ROOT");
        Path root = Path.of(env == null || env.isBlank() ? "artifacts" : env);
        boolean exit = false;
        for (int i = 0; i < args.length; i++) {
            String flag = args[i];
            switch (flag) {
                case "--exit" -> exit = true;
                case "--model" -> model = Optional.of(Path.of(value(args, ++i, flag)));
                case "--data" -> data = Optional.of(Path.of(value(args, ++i, flag)));
                case "--artifact-root" -> root = Path.of(value(args, ++i, flag));
                case "--steps" -> steps = positive(value(args, ++i, flag), flag);
                default -> throw new UsageException("unknown option " + flag);
            }
        }
        return new RunOptions(model.map(Path::toAbsolutePath), data.map(Path::toAbsolutePath), steps,
                root.toAbsolutePath().normalize(), exit);
    }

    private static String value(String[] args, int i, String flag) {
        if (i >= args.length || args[i].startsWith("--")) {
            throw new UsageException(flag + " needs a value");
        }
        return args[i];
    }

    private static int positive(String text, String flag) {
        try {
            int value = Integer.parseInt(text);
            if (value >= 1) {
                return value;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new UsageException(flag + " " + text + " is not a positive whole number");
    }

    /**
     * The shared fixtures directory: {@code $LAYERPRUNE_SHARED}, else the first {@code shared/} holding stories260K
     * in the working directory or a parent of it.
     */
    static Optional<Path> shared() {
        String env = System.getenv("LAYERPRUNE_SHARED");
        if (env != null && !env.isBlank()) {
            return Optional.of(Path.of(env).toAbsolutePath()).filter(Files::isDirectory);
        }
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isDirectory(dir.resolve("shared/models/stories260K"))) {
                return Optional.of(dir.resolve("shared"));
            }
        }
        return Optional.empty();
    }

    /**
     * The model directory to run.
     *
     * @throws UsageException when none is given and there are no shared fixtures
     */
    Path modelDir() {
        return model.or(() -> shared().map(s -> s.resolve("models/stories260K"))).orElseThrow(() ->
                new UsageException("no --model given and no shared stories260K fixture found (shared/ in a parent"
                        + " directory, or $LAYERPRUNE_SHARED)"));
    }

    /**
     * The data directory to run.
     *
     * @throws UsageException when none is given and there are no shared fixtures
     */
    Path dataDir() {
        return data.or(() -> shared().map(s -> s.resolve("data/stories260K"))).orElseThrow(() ->
                new UsageException("no --data given and no shared stories260K fixture found (shared/ in a parent"
                        + " directory, or $LAYERPRUNE_SHARED)"));
    }
}
