package org.layerprune.core.heal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.layerprune.core.checkpoint.CheckpointException;
import org.layerprune.core.checkpoint.DType;
import org.layerprune.core.checkpoint.DirectoryWriter;
import org.layerprune.core.checkpoint.FloatCodec;
import org.layerprune.core.checkpoint.Json;
import org.layerprune.core.checkpoint.Manifest;
import org.layerprune.core.checkpoint.SafetensorsFile;
import org.layerprune.core.checkpoint.TensorData;
import org.layerprune.core.checkpoint.TensorInfo;
import org.layerprune.core.model.TensorKeys;

/**
 * A LoRA adapter in PEFT's on-disk layout, which {@code PeftModel.from_pretrained(base, dir)} loads unchanged:
 *
 * <ul>
 *   <li>{@code adapter_config.json}: a PEFT {@code LoraConfig}, keys sorted and indented by two spaces as PEFT
 *       writes them. Only fields of {@code LoraConfig} and its bases are written, all of which exist since PEFT
 *       0.9.0 ({@code use_dora}); older PEFT versions refuse a key they do not know, newer ones default the fields
 *       added since.
 *   <li>{@code adapter_model.safetensors}: for every layer i and adapted module, {@code lora_A.weight} [r, in] and
 *       {@code lora_B.weight} [out, r] under PEFT's names for a causal LM, e.g.
 *       {@code base_model.model.model.layers.<i>.mlp.gate_proj.lora_A.weight} ({@code self_attn.} for attention
 *       projections); float32 unless asked otherwise; {@code __metadata__} {@code {"format": "pt"}}.
 *   <li>{@code manifest.json}: our sha256 of both files; PEFT ignores it.
 * </ul>
 *
 * <p>The directory is written all or nothing ({@link DirectoryWriter}) and must not exist yet. {@link #read} accepts
 * what we write and what PEFT writes for plain LoRA on these projections; it refuses, naming the file and the key,
 * anything it would misread: another PEFT method, rsLoRA or DoRA (another update), per-layer rank or alpha
 * patterns, trained biases or saved modules (tensors this layout does not hold), a subset of layers, unknown keys,
 * missing factors and shapes that disagree with {@code r}.
 *
 * @param config r, alpha, dropout and the adapted modules
 * @param weights the factors, every layer 0..L-1 adapting {@code config}'s modules at rank r
 * @param baseModelNameOrPath {@code base_model_name_or_path}: the model the adapter was trained on, or null
 */
public record PeftAdapter(LoraConfig config, LoraWeights weights, String baseModelNameOrPath) {

    /** The adapter's configuration file, as PEFT names it. */
    public static final String CONFIG_FILE = "adapter_config.json";

    /** The adapter's weights, as PEFT names them. */
    public static final String WEIGHTS_FILE = "adapter_model.safetensors";

    /** PeftModelForCausalLM wraps the tuner ({@code base_model}), which wraps the model ({@code model}). */
    private static final String KEY_PREFIX = "base_model.model.";

    /** {@code base_model.model.model.layers.<i>.<mlp|self_attn>.<module>.lora_<A|B>.weight}. */
    private static final Pattern KEY = Pattern.compile(
            "base_model\\.model\\.model\\.layers\\.(0|[1-9][0-9]{0,8})\\.(mlp|self_attn)\\.([a-z_]+)\\.lora_([AB])"
                    + "\\.weight");

    /** @throws IllegalArgumentException when the weights do not have the config's rank and modules */
    public PeftAdapter {
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(weights, "weights");
        if (weights.rank() != config.rank()) {
            throw new IllegalArgumentException("the weights have rank " + weights.rank() + ", the config r = "
                    + config.rank());
        }
        if (!weights.modules().equals(Set.copyOf(config.targetModules()))) {
            throw new IllegalArgumentException("the weights adapt " + weights.modules() + ", the config's"
                    + " target_modules are " + config.targetModules());
        }
    }

    /** Writes the adapter with float32 factors; as {@link #write(Path, LoraConfig, LoraWeights, String, DType)}. */
    public static void write(Path dir, LoraConfig config, LoraWeights weights, String baseModelNameOrPath) {
        write(dir, config, weights, baseModelNameOrPath, DType.F32);
    }

    /**
     * Writes {@code adapter_config.json}, {@code adapter_model.safetensors} and {@code manifest.json} into the new
     * directory {@code dir}, all or nothing.
     *
     * @param baseModelNameOrPath written as {@code base_model_name_or_path}; null writes null
     * @param dtype the factors' dtype in the file: F32, BF16 or F16 (rounded to nearest even)
     * @throws IllegalArgumentException when the weights do not match the config, or the dtype is not a float type
     * @throws CheckpointException naming {@code dir} when it exists or cannot be written; nothing is left behind
     */
    public static void write(Path dir, LoraConfig config, LoraWeights weights, String baseModelNameOrPath,
            DType dtype) {
        new PeftAdapter(config, weights, baseModelNameOrPath).write(dir, dtype);
    }

    /** Writes this adapter; see {@link #write(Path, LoraConfig, LoraWeights, String, DType)}. */
    public void write(Path dir, DType dtype) {
        write(dir, dtype, false);
    }

    /**
     * Writes this adapter; with {@code replaceExisting}, an adapter directory already at {@code dir} is replaced
     * (see {@link DirectoryWriter#replaceExisting}).
     */
    public void write(Path dir, DType dtype, boolean replaceExisting) {
        if (!FloatCodec.isSupported(dtype)) {
            throw new IllegalArgumentException("adapter factors are stored as F32, F16 or BF16, not " + dtype);
        }
        List<TensorData> tensors = new ArrayList<>();
        for (LoraPair pair : weights.pairs()) {
            // A [r, in], B [out, r]: nn.Linear(in, r) and nn.Linear(r, out) weights
            tensors.add(new TensorData(key(pair.layer(), pair.module(), 'A'), dtype,
                    new long[] {pair.rank(), pair.in()}, FloatCodec.encode(dtype, pair.a())));
            tensors.add(new TensorData(key(pair.layer(), pair.module(), 'B'), dtype,
                    new long[] {pair.out(), pair.rank()}, FloatCodec.encode(dtype, pair.b())));
        }
        DirectoryWriter.to(dir, "adapter", CONFIG_FILE)
                .replaceExisting(replaceExisting)
                .withBytes(CONFIG_FILE, Json.pretty(configJson()))
                .withSafetensors(WEIGHTS_FILE, tensors, Map.of())
                .write();
    }

    /**
     * PEFT's key of a factor: {@code base_model.model.model.layers.<layer>.<mlp|self_attn>.<module>.lora_<A|B>.weight}.
     *
     * @param factor 'A' or 'B'
     */
    public static String key(int layer, String module, char factor) {
        if (factor != 'A' && factor != 'B') {
            throw new IllegalArgumentException("a LoRA factor is A or B, not " + factor);
        }
        return KEY_PREFIX + TensorKeys.layer(layer, LoraConfig.modulePath(module) + ".lora_" + factor + ".weight");
    }

    /**
     * {@code adapter_config.json} as PEFT's {@code LoraConfig.save_pretrained} writes it, keys sorted; the values
     * that differ from PEFT's defaults are those PEFT sets when saving ({@code inference_mode}) or training a causal
     * LM ({@code task_type}).
     */
    ObjectNode configJson() {
        ObjectNode json = JsonNodeFactory.instance.objectNode();
        json.putObject("alpha_pattern");
        json.putNull("auto_mapping");
        json.put("base_model_name_or_path", baseModelNameOrPath);
        json.put("bias", "none");
        json.put("fan_in_fan_out", false);
        json.put("inference_mode", true);
        json.put("init_lora_weights", true);
        json.putNull("layers_pattern");
        json.putNull("layers_to_transform");
        if (config.alpha() == Math.rint(config.alpha()) && Math.abs(config.alpha()) < 1 << 30) {
            json.put("lora_alpha", (int) config.alpha()); // PEFT's field is an int; 64 rather than 64.0
        } else {
            json.put("lora_alpha", config.alpha());
        }
        json.put("lora_dropout", config.dropout());
        json.putNull("modules_to_save");
        json.put("peft_type", "LORA");
        json.put("r", config.rank());
        json.putObject("rank_pattern");
        json.putNull("revision");
        config.targetModules().forEach(json.putArray("target_modules")::add);
        json.put("task_type", "CAUSAL_LM");
        json.put("use_dora", false);
        json.put("use_rslora", false);
        return json;
    }

    /**
     * Reads and validates an adapter directory: ours, or PEFT's for plain LoRA on Llama-family projections. When
     * the directory has our {@code manifest.json}, both files must still have the digests it lists.
     *
     * @throws CheckpointException naming the file, and the key at fault, when anything is missing, malformed, not
     *     plain LoRA, or inconsistent
     */
    public static PeftAdapter read(Path dir) {
        Path configFile = dir.resolve(CONFIG_FILE);
        Path weightsFile = dir.resolve(WEIGHTS_FILE);
        if (!Files.isRegularFile(configFile)) {
            throw new CheckpointException(dir + ": no " + CONFIG_FILE + ", so not a PEFT adapter");
        }
        if (!Files.isRegularFile(weightsFile)) {
            throw new CheckpointException(dir + ": no " + WEIGHTS_FILE + (Files.exists(dir.resolve("adapter_model.bin"))
                    ? " (only adapter_model.bin, a pickle this reader does not load)" : ""));
        }
        requireManifestAgrees(dir, configFile, weightsFile);
        ObjectNode json;
        try {
            json = Json.parseObject(configFile, Files.readAllBytes(configFile), "adapter config");
        } catch (IOException e) {
            throw new CheckpointException(configFile + ": cannot read: " + e, e);
        }
        LoraConfig config = parseConfig(configFile, json);
        JsonNode base = json.path("base_model_name_or_path");
        String baseModel = base.isTextual() ? base.textValue() : null;
        try (SafetensorsFile file = SafetensorsFile.open(weightsFile)) {
            return new PeftAdapter(config, readWeights(file, config), baseModel);
        }
    }

    /** The config's LoRA settings, after refusing every setting that would change what the tensors mean. */
    private static LoraConfig parseConfig(Path file, ObjectNode json) {
        String peftType = json.path("peft_type").asText("");
        if (!peftType.equals("LORA")) {
            throw new CheckpointException(file + ": peft_type is " + json.path("peft_type") + ", expected \"LORA\"");
        }
        requireValue(file, json, "use_rslora", false, "rsLoRA scales by alpha / sqrt(r)");
        requireValue(file, json, "use_dora", false, "DoRA rescales the merged weight's columns");
        requireValue(file, json, "fan_in_fan_out", false, "the factors would be stored transposed");
        requireValue(file, json, "bias", "none", "trained biases are not read");
        requireEmpty(file, json, "rank_pattern");
        requireEmpty(file, json, "alpha_pattern");
        requireEmpty(file, json, "modules_to_save");
        requireEmpty(file, json, "layers_to_transform");
        JsonNode r = json.path("r");
        JsonNode alpha = json.path("lora_alpha");
        JsonNode dropout = json.path("lora_dropout");
        JsonNode targets = json.path("target_modules");
        if (!r.canConvertToInt() || !r.isIntegralNumber()) {
            throw new CheckpointException(file + ": r is " + r + ", expected an integer");
        }
        if (!alpha.isNumber()) {
            throw new CheckpointException(file + ": lora_alpha is " + alpha + ", expected a number");
        }
        if (!dropout.isMissingNode() && !dropout.isNumber()) {
            throw new CheckpointException(file + ": lora_dropout is " + dropout + ", expected a number");
        }
        if (!targets.isArray()) {
            throw new CheckpointException(file + ": target_modules is " + targets + "; this reader needs a list of"
                    + " module names, not a pattern or null");
        }
        List<String> modules = new ArrayList<>();
        for (JsonNode target : targets) {
            if (!target.isTextual()) {
                throw new CheckpointException(file + ": target_modules holds " + target + ", not a module name");
            }
            modules.add(target.textValue());
        }
        try {
            return new LoraConfig(r.intValue(), alpha.doubleValue(), dropout.asDouble(0), modules);
        } catch (IllegalArgumentException e) {
            throw new CheckpointException(file + ": " + e.getMessage(), e);
        }
    }

    private static void requireValue(Path file, ObjectNode json, String key, Object expected, String why) {
        JsonNode value = json.get(key);
        if (value == null || value.isNull()) {
            return; // PEFT's default, which is the expected value
        }
        boolean ok = expected instanceof Boolean flag ? value.isBoolean() && value.booleanValue() == flag
                : value.isTextual() && value.textValue().equals(expected);
        if (!ok) {
            throw new CheckpointException(file + ": " + key + " is " + value + "; only " + expected + " is supported ("
                    + why + ")");
        }
    }

    private static void requireEmpty(Path file, ObjectNode json, String key) {
        JsonNode value = json.get(key);
        if (value != null && !value.isNull() && !(value.isContainerNode() && value.isEmpty())) {
            throw new CheckpointException(file + ": " + key + " is " + value + "; only null or empty is supported");
        }
    }

    /** Every tensor checked against PEFT's names and r, every (layer, module) complete, then decoded. */
    private static LoraWeights readWeights(SafetensorsFile file, LoraConfig config) {
        Path path = file.path();
        Map<String, TensorInfo> factors = new LinkedHashMap<>();
        int layers = 0;
        for (TensorInfo tensor : file.tensors()) {
            Matcher key = KEY.matcher(tensor.name());
            if (!key.matches() || !LoraConfig.isKnownModule(key.group(3))
                    || !LoraConfig.modulePath(key.group(3)).equals(key.group(2) + "." + key.group(3))) {
                throw new CheckpointException(path + ": tensor " + tensor.name() + " is not a LoRA factor this reader"
                        + " knows; expected base_model.model.model.layers.<i>.(self_attn|mlp).<module>.lora_(A|B)"
                        + ".weight");
            }
            if (!config.targetModules().contains(key.group(3))) {
                throw new CheckpointException(path + ": tensor " + tensor.name() + " adapts " + key.group(3)
                        + ", which is not among target_modules " + config.targetModules());
            }
            if (!FloatCodec.isSupported(tensor.dtype())) {
                throw new CheckpointException(path + ": tensor " + tensor.name() + " has dtype " + tensor.dtype()
                        + ", expected F32, F16 or BF16");
            }
            long[] shape = tensor.shape();
            boolean isA = key.group(4).equals("A");
            if (shape.length != 2 || shape[isA ? 0 : 1] != config.rank() || shape[isA ? 1 : 0] < 1
                    || shape[isA ? 1 : 0] > Integer.MAX_VALUE) {
                throw new CheckpointException(path + ": tensor " + tensor.name() + " has shape "
                        + Arrays.toString(shape) + ", expected " + (isA ? "[r, in] = [" + config.rank() + ", in]"
                                : "[out, r] = [out, " + config.rank() + "]"));
            }
            factors.put(tensor.name(), tensor);
            layers = Math.max(layers, Integer.parseInt(key.group(1)) + 1);
        }
        // every factor matched a target module, so completeness of layers 0..L-1 means every tensor is used
        List<LoraPair> pairs = new ArrayList<>();
        for (int layer = 0; layer < layers; layer++) {
            for (String module : config.targetModules()) {
                TensorInfo a = require(path, factors, key(layer, module, 'A'));
                TensorInfo b = require(path, factors, key(layer, module, 'B'));
                pairs.add(new LoraPair(layer, module, FloatCodec.decode(a.dtype(), file.bytes(a.name())),
                        FloatCodec.decode(b.dtype(), file.bytes(b.name())), (int) a.shape()[1], (int) b.shape()[0]));
            }
        }
        if (pairs.isEmpty()) {
            throw new CheckpointException(path + ": holds no LoRA factors");
        }
        return new LoraWeights(pairs);
    }

    private static TensorInfo require(Path file, Map<String, TensorInfo> factors, String key) {
        TensorInfo tensor = factors.get(key);
        if (tensor == null) {
            throw new CheckpointException(file + ": missing tensor " + key);
        }
        return tensor;
    }

    /** When the directory has a manifest, the files read must be those it lists. */
    private static void requireManifestAgrees(Path dir, Path... files) {
        Path manifestFile = dir.resolve(Manifest.FILE_NAME);
        if (!Files.isRegularFile(manifestFile)) {
            return;
        }
        Manifest manifest = Manifest.read(manifestFile);
        for (Path file : files) {
            Manifest.FileDigest listed = manifest.files().get(file.getFileName().toString());
            if (listed == null) {
                throw new CheckpointException(file + ": not listed in " + manifestFile);
            }
            Manifest.FileDigest found = Manifest.FileDigest.of(file);
            if (!found.equals(listed)) {
                throw new CheckpointException(file + ": has sha256 " + found.sha256() + " and " + found.bytes()
                        + " bytes, " + manifestFile + " says " + listed.sha256() + " and " + listed.bytes());
            }
        }
    }
}
