package org.layerprune.core.heal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.layerprune.core.checkpoint.CheckpointException;
import org.layerprune.core.checkpoint.DType;
import org.layerprune.core.checkpoint.DirectoryWriter;
import org.layerprune.core.checkpoint.FloatCodec;
import org.layerprune.core.checkpoint.Json;
import org.layerprune.core.checkpoint.Manifest;
import org.layerprune.core.checkpoint.SafetensorsFile;
import org.layerprune.core.checkpoint.TensorData;
import org.layerprune.core.checkpoint.TensorInfo;

/**
 * A healing run's resumable state on disk: {@code <root>/step-<N>/} holding {@code trainer.safetensors} (the
 * factors under PEFT's keys and AdamW's moments under the same keys with {@code .exp_avg} and {@code .exp_avg_sq}
 * appended, all float32, so a restore is bit-exact) and {@code state.json} (the update count, the data cursor,
 * the running sums of the result, and the run's identity: settings, model hash, data hash). Each directory is
 * written whole into a temporary sibling and renamed, with a manifest of sha256s, so a run killed at any moment
 * leaves only complete checkpoints; the newest one whose manifest verifies is the one to resume from.
 *
 * @param steps    optimizer updates done
 * @param trainer  the trainer's state after those updates
 * @param progress what the run had counted by then
 * @param identity settings, model and data the run was started with
 */
public record HealCheckpoint(long steps, LoraTrainer.State trainer, Progress progress, ObjectNode identity) {

    /** The file holding the factors and moments. */
    public static final String TENSORS_FILE = "trainer.safetensors";

    /** The file holding the counters and the identity. */
    public static final String STATE_FILE = "state.json";

    private static final Pattern STEP_DIR = Pattern.compile("step-(\\d{6,})");

    /**
     * What a run has counted up to a checkpoint, to continue its result where it left off.
     *
     * @param cursor         where the next training row comes from
     * @param lossSum        the training losses of every update, summed (train_loss is their mean)
     * @param seconds        training wall time spent so far, over every process that ran it
     * @param evalLossBefore the validation loss of the unhealed model, when there is a validation set
     */
    public record Progress(PackedSequences.Cursor cursor, double lossSum, double seconds,
            OptionalDouble evalLossBefore) {
    }

    /** The directory of the checkpoint after {@code steps} updates under {@code root}. */
    public static Path dir(Path root, long steps) {
        return root.resolve(String.format("step-%06d", steps));
    }

    /**
     * Writes this checkpoint under {@code root}, then deletes the older ones: only the newest is kept.
     *
     * @throws CheckpointException naming the directory when it cannot be written
     */
    public void write(Path root) {
        Path dir = dir(root, steps);
        DirectoryWriter.to(dir, "healing checkpoint", STATE_FILE)
                .replaceExisting(true)
                .withSafetensors(TENSORS_FILE, tensors(), Map.of())
                .withBytes(STATE_FILE, Json.pretty(stateJson()))
                .write();
        for (Path older : stepDirs(root)) {
            if (!older.equals(dir)) {
                deleteTree(older);
            }
        }
    }

    /**
     * The newest complete checkpoint under {@code root}; a directory whose files do not match its manifest (which
     * only a damaged disk leaves, since writes are renamed into place whole) is skipped for the one before.
     *
     * @throws CheckpointException naming the file when a verified checkpoint cannot be parsed
     */
    public static Optional<HealCheckpoint> latest(Path root) {
        List<Path> dirs = new ArrayList<>(stepDirs(root));
        dirs.sort(Comparator.comparing(Path::toString).reversed());
        for (Path dir : dirs) {
            if (isComplete(dir)) {
                return Optional.of(read(dir));
            }
        }
        return Optional.empty();
    }

    /** Whether {@code dir} has a manifest and every file it lists, unchanged, and nothing else. */
    private static boolean isComplete(Path dir) {
        Path manifest = dir.resolve(Manifest.FILE_NAME);
        try {
            return Files.isRegularFile(manifest) && Manifest.read(manifest).files().equals(Manifest.of(dir).files());
        } catch (CheckpointException e) {
            return false; // unreadable: not a checkpoint to resume from
        }
    }

    /** Reads the checkpoint in {@code dir}. */
    static HealCheckpoint read(Path dir) {
        Path stateFile = dir.resolve(STATE_FILE);
        ObjectNode json;
        try {
            json = Json.parseObject(stateFile, Files.readAllBytes(stateFile), "healing state");
        } catch (IOException e) {
            throw new CheckpointException(stateFile + ": cannot read: " + e, e);
        }
        long steps = required(json, "steps", stateFile).asLong();
        JsonNode cursor = required(json, "cursor", stateFile);
        Progress progress = new Progress(
                new PackedSequences.Cursor(required(cursor, "epoch", stateFile).asLong(),
                        required(cursor, "row", stateFile).asInt()),
                required(json, "loss_sum", stateFile).asDouble(),
                required(json, "seconds", stateFile).asDouble(),
                json.hasNonNull("eval_loss_before")
                        ? OptionalDouble.of(json.get("eval_loss_before").asDouble()) : OptionalDouble.empty());
        JsonNode identity = required(json, "identity", stateFile);
        JsonNode updates = required(json, "optimizer_updates", stateFile);
        try (SafetensorsFile file = SafetensorsFile.open(dir.resolve(TENSORS_FILE))) {
            return new HealCheckpoint(steps, readTrainer(file, identity, updates.asLong()), progress,
                    (ObjectNode) identity);
        }
    }

    private ObjectNode stateJson() {
        ObjectNode json = JsonNodeFactory.instance.objectNode();
        json.put("steps", steps);
        json.put("optimizer_updates", trainer.optimizer().updates());
        ObjectNode cursor = json.putObject("cursor");
        cursor.put("epoch", progress.cursor().epoch());
        cursor.put("row", progress.cursor().row());
        json.put("loss_sum", progress.lossSum());
        json.put("seconds", progress.seconds());
        if (progress.evalLossBefore().isPresent()) {
            json.put("eval_loss_before", progress.evalLossBefore().getAsDouble());
        }
        json.set("identity", identity.deepCopy());
        return json;
    }

    /** Per adapted module in the weights' order: A, B, then A's and B's moments. */
    private List<TensorData> tensors() {
        List<TensorData> tensors = new ArrayList<>();
        AdamW.State optimizer = trainer.optimizer();
        int param = 0;
        for (LoraPair pair : trainer.weights().pairs()) {
            String a = PeftAdapter.key(pair.layer(), pair.module(), 'A');
            String b = PeftAdapter.key(pair.layer(), pair.module(), 'B');
            long[] shapeA = {pair.rank(), pair.in()};
            long[] shapeB = {pair.out(), pair.rank()};
            tensors.add(f32(a, shapeA, pair.a()));
            tensors.add(f32(b, shapeB, pair.b()));
            tensors.add(f32(a + ".exp_avg", shapeA, optimizer.means().get(param)));
            tensors.add(f32(a + ".exp_avg_sq", shapeA, optimizer.variances().get(param)));
            tensors.add(f32(b + ".exp_avg", shapeB, optimizer.means().get(param + 1)));
            tensors.add(f32(b + ".exp_avg_sq", shapeB, optimizer.variances().get(param + 1)));
            param += 2;
        }
        return tensors;
    }

    /** The trainer's state from the tensors, in the order the identity's settings give the modules. */
    private static LoraTrainer.State readTrainer(SafetensorsFile file, JsonNode identity, long updates) {
        JsonNode settings = required(identity, "settings", file.path());
        int layers = required(identity, "layers", file.path()).asInt();
        List<LoraPair> pairs = new ArrayList<>();
        List<float[]> means = new ArrayList<>();
        List<float[]> variances = new ArrayList<>();
        for (int layer = 0; layer < layers; layer++) {
            Iterator<JsonNode> targets = required(settings, "targets", file.path()).elements();
            while (targets.hasNext()) {
                String module = targets.next().asText();
                String a = PeftAdapter.key(layer, module, 'A');
                String b = PeftAdapter.key(layer, module, 'B');
                TensorInfo infoA = file.info(a).orElseThrow(() -> missing(file, a));
                TensorInfo infoB = file.info(b).orElseThrow(() -> missing(file, b));
                pairs.add(new LoraPair(layer, module, floats(file, a), floats(file, b),
                        Math.toIntExact(infoA.shape()[1]), Math.toIntExact(infoB.shape()[0])));
                means.add(floats(file, a + ".exp_avg"));
                variances.add(floats(file, a + ".exp_avg_sq"));
                means.add(floats(file, b + ".exp_avg"));
                variances.add(floats(file, b + ".exp_avg_sq"));
            }
        }
        return new LoraTrainer.State(updates, new LoraWeights(pairs), new AdamW.State(updates, means, variances));
    }

    private static float[] floats(SafetensorsFile file, String name) {
        TensorInfo info = file.info(name).orElseThrow(() -> missing(file, name));
        if (info.dtype() != DType.F32) {
            throw new CheckpointException(file.path() + ": tensor " + name + " is " + info.dtype() + ", not F32");
        }
        return FloatCodec.decode(DType.F32, file.bytes(name));
    }

    private static CheckpointException missing(SafetensorsFile file, String name) {
        return new CheckpointException(file.path() + ": no tensor " + name);
    }

    private static TensorData f32(String name, long[] shape, float[] values) {
        return new TensorData(name, DType.F32, shape, FloatCodec.encode(DType.F32, values));
    }

    private static JsonNode required(JsonNode json, String field, Path file) {
        JsonNode value = json.get(field);
        if (value == null || value.isNull()) {
            throw new CheckpointException(file + ": no \"" + field + "\"");
        }
        return value;
    }

    /** The {@code step-N} directories under {@code root}; none when it does not exist. */
    private static List<Path> stepDirs(Path root) {
        if (!Files.isDirectory(root)) {
            return List.of();
        }
        try (Stream<Path> children = Files.list(root)) {
            return children.filter(p -> Files.isDirectory(p) && isStepDir(p)).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(root + ": cannot list healing checkpoints", e);
        }
    }

    private static boolean isStepDir(Path dir) {
        Matcher m = STEP_DIR.matcher(dir.getFileName().toString());
        return m.matches();
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(dir + ": cannot delete an older healing checkpoint", e);
        }
    }
}
