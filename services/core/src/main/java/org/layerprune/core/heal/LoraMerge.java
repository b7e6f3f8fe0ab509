package org.layerprune.core.heal;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.CharacterCodingException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.layerprune.core.checkpoint.Checkpoint;
import org.layerprune.core.checkpoint.CheckpointException;
import org.layerprune.core.checkpoint.CheckpointHash;
import org.layerprune.core.checkpoint.CheckpointWriter;
import org.layerprune.core.checkpoint.DType;
import org.layerprune.core.checkpoint.FloatCodec;
import org.layerprune.core.checkpoint.Json;
import org.layerprune.core.checkpoint.Manifest;
import org.layerprune.core.checkpoint.TensorData;
import org.layerprune.core.checkpoint.TensorInfo;
import org.layerprune.core.model.LlamaConfig;

/**
 * Folds a LoRA adapter into its base model: a plain Hugging Face checkpoint that needs neither PEFT nor the adapter,
 * with the weights PEFT's {@code merge_and_unload()} computes.
 *
 * <ul>
 *   <li>Adapted weights: each W [out, in] becomes {@code W + (alpha / r) * B @ A}, stored in W's own dtype (F32, F16
 *       or BF16). The update is accumulated in float64 from the float32 factors (each product is exact), added to W
 *       in float64, and rounded once to the dtype, to nearest even ({@link FloatCodec#put}). The float64 error, at
 *       most about (r + 1) * 2^-53 of the sum of the terms' magnitudes, is some 2^-24 of a float32 ulp for r = 64
 *       (absent heavy cancellation), so the stored value is the exact result correctly rounded unless that lies
 *       within this error of a rounding boundary, when it may be the other neighbour: always within half an ulp of
 *       the dtype plus that error. PEFT rounds at least twice in half precision (the update to the dtype, then the
 *       sum), so its result can differ from ours by an ulp.
 *   <li>Every other tensor: copied byte for byte from the mapped base.
 *   <li>Layout: the base's. A single {@code model.safetensors} stays single; shards stay the same shards, with the
 *       same tensors in the same order, and a new index.
 *   <li>{@code config.json} copied byte for byte; so are the tokenizer and every other regular file, except
 *       weights (any safetensors or other weight format, and their indexes), the base's {@code manifest.json}
 *       and its {@code mergekit.yaml} (which rebuild the base, not this merge).
 *   <li>{@code manifest.json}: sha256 of every file and a provenance section: the base's path and
 *       {@link CheckpointHash}, the adapter's path and the sha256 of its two files, r, alpha, the scale and the
 *       modules.
 * </ul>
 *
 * <p>Memory: the untouched tensors stay mapped, but the merged ones are held off-heap until the checkpoint is
 * written, as many bytes as the adapted weights take in the base (for a 7B model adapting the MLP in BF16, about
 * 8.7 GB). Rows are merged in parallel on the common fork-join pool; the result does not depend on the number of
 * threads.
 */
public final class LoraMerge {

    /** Rows merged per task: enough work to amortise a task, small enough to balance the pool. */
    private static final int ROWS_PER_TASK = 16;

    /** Files a merged checkpoint does not take from the base, besides weights and their indexes. */
    private static final Set<String> NOT_COPIED = Set.of(Manifest.FILE_NAME, "mergekit.yaml");

    /** Extensions of weight formats other than safetensors: PyTorch, TensorFlow, Flax, GGUF, ONNX. */
    private static final Set<String> OTHER_WEIGHT_FORMATS = Set.of(
            ".bin", ".pt", ".pth", ".ckpt", ".h5", ".msgpack", ".gguf", ".onnx");

    private LoraMerge() {
    }

    /**
     * Merges the PEFT adapter in {@code adapterDir} into the checkpoint {@code baseCheckpoint}, writing a new
     * checkpoint {@code out} all or nothing.
     *
     * @throws CheckpointException naming the file and key at fault when the adapter is not one {@link PeftAdapter}
     *     reads, covers another number of layers than the base's {@code num_hidden_layers}, adapts a weight the base
     *     lacks or has another shape, when a base weight is not F32, F16 or BF16, or when {@code out} exists or
     *     cannot be written; nothing is left behind
     * @throws org.layerprune.core.model.ConfigException when the base's {@code config.json} is not a Llama-family
     *     config this tool understands
     */
    public static void merge(Path baseCheckpoint, Path adapterDir, Path out) {
        merge(baseCheckpoint, adapterDir, out, false);
    }

    /**
     * As {@link #merge(Path, Path, Path)}; with {@code replaceExisting}, an existing checkpoint at {@code out} (as
     * {@link CheckpointWriter#replaceExisting} defines it) is replaced, as a healing run that resumes after writing
     * its merge needs.
     */
    public static void merge(Path baseCheckpoint, Path adapterDir, Path out, boolean replaceExisting) {
        Path baseDir = baseCheckpoint.toAbsolutePath().normalize();
        Path adapterPath = adapterDir.toAbsolutePath().normalize();
        PeftAdapter adapter = PeftAdapter.read(adapterPath);
        Path adapterWeights = adapterPath.resolve(PeftAdapter.WEIGHTS_FILE);
        try (Checkpoint base = Checkpoint.open(baseDir)) {
            // everything that can be refused is refused before a weight is merged
            byte[] config = readAll(base.configFile());
            requireSameLayers(adapter.weights(), LlamaConfig.read(base.configFile()), base.configFile(),
                    adapterWeights);
            Map<String, LoraPair> pairs = adapter.weights().byWeightKey();
            pairs.values().forEach(pair -> requireAdaptable(base, pair, adapterWeights));
            String baseHash = CheckpointHash.of(base);

            double scale = adapter.config().scale();
            Map<Path, List<TensorData>> byFile = new LinkedHashMap<>();
            for (TensorInfo tensor : base.tensors()) {
                LoraPair pair = pairs.get(tensor.name());
                ByteBuffer bytes = pair == null ? base.bytes(tensor.name())
                        : merged(tensor, base.bytes(tensor.name()), pair, scale);
                byFile.computeIfAbsent(base.fileOf(tensor.name()), file -> new ArrayList<>())
                        .add(new TensorData(tensor.name(), tensor.dtype(), tensor.shape(), bytes));
            }
            List<List<TensorData>> shards = List.copyOf(byFile.values());

            CheckpointWriter writer = CheckpointWriter.to(out)
                    .replaceExisting(replaceExisting)
                    .withProvenance(provenance(baseDir, baseHash, adapterPath, adapter));
            String configJson = Json.strictUtf8(config);
            List<Path> companions = companionFiles(base);
            if (base.isSharded()) {
                writer.writeShards(configJson, shards, companions);
            } else {
                writer.maxShardBytes(Long.MAX_VALUE).write(configJson, shards.get(0), companions);
            }
        } catch (CharacterCodingException e) {
            throw new CheckpointException(baseDir.resolve(Checkpoint.CONFIG_FILE) + ": not valid UTF-8", e);
        }
    }

    /**
     * {@code W + scale * B @ A}, in W's dtype.
     *
     * @param w W [out, in], little-endian
     * @return [out, in] in {@code tensor}'s dtype, a new direct buffer positioned at 0
     */
    static ByteBuffer merged(TensorInfo tensor, ByteBuffer w, LoraPair pair, double scale) {
        DType dtype = tensor.dtype();
        int in = pair.in();
        int out = pair.out();
        int rank = pair.rank();
        float[] a = pair.a(); // [r, in]
        float[] b = pair.b(); // [out, r]
        ByteBuffer result = ByteBuffer.allocateDirect(Math.toIntExact(tensor.byteLength()))
                .order(ByteOrder.LITTLE_ENDIAN);
        int tasks = (out + ROWS_PER_TASK - 1) / ROWS_PER_TASK;
        IntStream.range(0, tasks).parallel().forEach(task -> {
            double[] delta = new double[in]; // one row of B @ A: [in]
            for (int row = task * ROWS_PER_TASK; row < Math.min(out, (task + 1) * ROWS_PER_TASK); row++) {
                Arrays.fill(delta, 0);
                for (int k = 0; k < rank; k++) {
                    double bk = b[row * rank + k];       // B[row, k]
                    int aRow = k * in;                   // A[k, :]
                    for (int i = 0; i < in; i++) {
                        delta[i] += bk * a[aRow + i];
                    }
                }
                int offset = row * in;                   // W[row, :]
                for (int i = 0; i < in; i++) {
                    double value = FloatCodec.get(dtype, w, offset + i) + scale * delta[i];
                    FloatCodec.put(dtype, result, offset + i, value);
                }
            }
        });
        return result;
    }

    /** The adapter must cover exactly the base's layers 0..L-1; its first key outside them, or missing, is named. */
    private static void requireSameLayers(LoraWeights weights, LlamaConfig config, Path configFile,
            Path adapterWeights) {
        int layers = config.numHiddenLayers();
        String module = weights.modules().iterator().next();
        if (weights.numLayers() > layers) {
            throw new CheckpointException(adapterWeights + ": tensor " + PeftAdapter.key(layers, module, 'A')
                    + " adapts layer " + layers + ", but the base " + configFile + " has num_hidden_layers = " + layers
                    + "; the adapter is for a model with " + weights.numLayers() + " layers");
        }
        if (weights.numLayers() < layers) {
            throw new CheckpointException(adapterWeights + ": missing tensor "
                    + PeftAdapter.key(weights.numLayers(), module, 'A') + ": the base " + configFile
                    + " has num_hidden_layers = " + layers + ", but the adapter covers " + weights.numLayers()
                    + " layers");
        }
    }

    /** The base must hold the weight a pair adapts, as [out, in] of a float type. */
    private static void requireAdaptable(Checkpoint base, LoraPair pair, Path adapterWeights) {
        String name = pair.weightKey();
        TensorInfo weight = base.info(name).orElseThrow(() -> new CheckpointException(base.dir() + ": missing tensor "
                + name + ", which " + adapterWeights + " adapts with " + PeftAdapter.key(pair.layer(), pair.module(),
                        'A')));
        long[] expected = {pair.out(), pair.in()};
        if (!Arrays.equals(weight.shape(), expected)) {
            throw new CheckpointException(adapterWeights + ": tensors " + PeftAdapter.key(pair.layer(), pair.module(),
                    'A') + " [" + pair.rank() + ", " + pair.in() + "] and " + PeftAdapter.key(pair.layer(),
                    pair.module(), 'B') + " [" + pair.out() + ", " + pair.rank() + "] make an update of shape "
                    + Arrays.toString(expected) + ", but " + base.fileOf(name) + " has " + name + " of shape "
                    + Arrays.toString(weight.shape()));
        }
        if (!FloatCodec.isSupported(weight.dtype())) {
            throw new CheckpointException(base.fileOf(name) + ": tensor " + name + " has dtype " + weight.dtype()
                    + "; merging needs F32, F16 or BF16");
        }
    }

    /** The base's regular files the merged checkpoint copies: tokenizer, generation config, model card, ... */
    private static List<Path> companionFiles(Checkpoint base) {
        try (Stream<Path> listing = Files.list(base.dir())) {
            return listing.sorted().filter(LoraMerge::isCompanion).toList();
        } catch (IOException e) {
            throw new CheckpointException(base.dir() + ": cannot list: " + e, e);
        }
    }

    private static boolean isCompanion(Path entry) {
        String name = entry.getFileName().toString();
        String lower = name.toLowerCase(Locale.ROOT);
        int dot = lower.lastIndexOf('.');
        return Files.isRegularFile(entry)
                && !name.equals(Checkpoint.CONFIG_FILE)
                && !NOT_COPIED.contains(name)
                && !lower.endsWith(".safetensors")
                && !lower.endsWith(".index.json")
                && !(dot >= 0 && OTHER_WEIGHT_FORMATS.contains(lower.substring(dot)));
    }

    private static ObjectNode provenance(Path baseDir, String baseHash, Path adapterDir, PeftAdapter adapter) {
        ObjectNode section = JsonNodeFactory.instance.objectNode();
        section.put("tool", Manifest.TOOL);
        section.put("operation", "merge_lora");
        section.putObject("base").put("path", baseDir.toString()).put("hash", baseHash);
        ObjectNode adapterSection = section.putObject("adapter").put("path", adapterDir.toString());
        for (String file : List.of(PeftAdapter.CONFIG_FILE, PeftAdapter.WEIGHTS_FILE)) {
            adapterSection.putObject(file).put("sha256", Manifest.FileDigest.of(adapterDir.resolve(file)).sha256());
        }
        LoraConfig config = adapter.config();
        ObjectNode lora = section.putObject("lora")
                .put("r", config.rank())
                .put("lora_alpha", config.alpha())
                .put("scale", config.scale());
        config.targetModules().forEach(lora.putArray("target_modules")::add);
        return section;
    }

    private static byte[] readAll(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new CheckpointException(file + ": cannot read: " + e, e);
        }
    }
}
