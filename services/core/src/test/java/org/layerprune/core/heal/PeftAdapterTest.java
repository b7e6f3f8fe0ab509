package org.layerprune.core.heal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.layerprune.core.heal.LoraFixtures.listing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;
import org.layerprune.core.checkpoint.CheckpointException;
import org.layerprune.core.checkpoint.DType;
import org.layerprune.core.checkpoint.FloatCodec;
import org.layerprune.core.checkpoint.Manifest;
import org.layerprune.core.checkpoint.SafetensorsFile;
import org.layerprune.core.checkpoint.SafetensorsWriter;
import org.layerprune.core.checkpoint.TensorData;
import org.layerprune.core.checkpoint.TensorInfo;
import org.layerprune.core.model.LlamaConfig;
import org.layerprune.core.testing.PythonReference;

class PeftAdapterTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final LlamaConfig MODEL = LlamaConfig.parse(LoraFixtures.llamaConfig());
    private static final LoraConfig MLP = new LoraConfig(4, 8, 0.05, LoraConfig.MLP);
    private static final LoraConfig ALL = new LoraConfig(2, 2, 0.1, List.of("q_proj", "k_proj", "v_proj", "o_proj",
            "gate_proj", "up_proj", "down_proj"));

    @TempDir
    Path root;

    @Test
    void writesAdapterConfigWithPeftsLoraConfigFieldsSortedAsPeftSavesThem() throws IOException {
        Path dir = root.resolve("adapter");
        PeftAdapter.write(dir, MLP, LoraFixtures.randomWeights(MODEL, MLP, 1, 0.1), "meta-llama/Llama-2-7b-hf");

        ObjectNode config = (ObjectNode) JSON.readTree(dir.resolve("adapter_config.json").toFile());
        List<String> keys = new ArrayList<>();
        config.fieldNames().forEachRemaining(keys::add);
        assertEquals(List.of("alpha_pattern", "auto_mapping", "base_model_name_or_path", "bias", "fan_in_fan_out",
                "inference_mode", "init_lora_weights", "layers_pattern", "layers_to_transform", "lora_alpha",
                "lora_dropout", "modules_to_save", "peft_type", "r", "rank_pattern", "revision", "target_modules",
                "task_type", "use_dora", "use_rslora"), keys);
        assertEquals("LORA", config.get("peft_type").textValue());
        assertEquals("CAUSAL_LM", config.get("task_type").textValue());
        assertTrue(config.get("r").isInt());
        assertEquals(4, config.get("r").intValue());
        assertTrue(config.get("lora_alpha").isInt(), "an integral alpha is written as PEFT's int: 8, not 8.0");
        assertEquals(8, config.get("lora_alpha").intValue());
        assertEquals(0.05, config.get("lora_dropout").doubleValue());
        assertEquals(JSON.readTree("[\"gate_proj\", \"up_proj\", \"down_proj\"]"), config.get("target_modules"));
        assertEquals("none", config.get("bias").textValue());
        assertEquals("meta-llama/Llama-2-7b-hf", config.get("base_model_name_or_path").textValue());
        assertEquals(JSON.readTree("{}"), config.get("rank_pattern"));
        assertEquals(JSON.readTree("{}"), config.get("alpha_pattern"));
        for (String key : List.of("fan_in_fan_out", "use_rslora", "use_dora")) {
            assertEquals(Boolean.FALSE, config.get(key).booleanValue(), key);
        }
        for (String key : List.of("inference_mode", "init_lora_weights")) {
            assertEquals(Boolean.TRUE, config.get(key).booleanValue(), key);
        }
        for (String key : List.of("modules_to_save", "layers_to_transform", "layers_pattern", "revision",
                "auto_mapping")) {
            assertTrue(config.get(key).isNull(), key);
        }
        assertTrue(Files.readString(dir.resolve("adapter_config.json")).startsWith("{\n  \"alpha_pattern\": {},\n"));
    }

    @Test
    void writesAFractionalAlphaAsANumberAndANullBaseModelAsNull() throws IOException {
        Path dir = root.resolve("adapter");
        LoraConfig config = new LoraConfig(4, 6.5, 0, LoraConfig.MLP);
        PeftAdapter.write(dir, config, LoraFixtures.randomWeights(MODEL, config, 1, 0.1), null);
        JsonNode json = JSON.readTree(dir.resolve("adapter_config.json").toFile());
        assertEquals(6.5, json.get("lora_alpha").doubleValue());
        assertTrue(json.get("base_model_name_or_path").isNull());
        assertEquals(null, PeftAdapter.read(dir).baseModelNameOrPath());
    }

    @Test
    void namesMlpFactorsExactlyAsPeftDoesWithTheirShapesAndPtFormat() {
        Path dir = root.resolve("adapter");
        PeftAdapter.write(dir, MLP, LoraFixtures.randomWeights(MODEL, MLP, 1, 0.1), "base");
        try (SafetensorsFile file = SafetensorsFile.open(dir.resolve("adapter_model.safetensors"))) {
            assertEquals(Map.of("format", "pt"), file.metadata());
            List<String> expected = new ArrayList<>();
            for (int layer = 0; layer < LoraFixtures.LAYERS; layer++) {
                for (String module : List.of("gate_proj", "up_proj", "down_proj")) {
                    expected.add("base_model.model.model.layers." + layer + ".mlp." + module + ".lora_A.weight");
                    expected.add("base_model.model.model.layers." + layer + ".mlp." + module + ".lora_B.weight");
                }
            }
            assertEquals(expected, file.tensors().stream().map(TensorInfo::name).toList());
            assertShape(file, "base_model.model.model.layers.2.mlp.gate_proj.lora_A.weight", 4, 16);  // [r, H]
            assertShape(file, "base_model.model.model.layers.2.mlp.gate_proj.lora_B.weight", 24, 4);  // [I, r]
            assertShape(file, "base_model.model.model.layers.0.mlp.down_proj.lora_A.weight", 4, 24);  // [r, I]
            assertShape(file, "base_model.model.model.layers.0.mlp.down_proj.lora_B.weight", 16, 4);  // [H, r]
            file.tensors().forEach(tensor -> assertEquals(DType.F32, tensor.dtype(), tensor.name()));
        }
    }

    @Test
    void namesAttentionFactorsUnderSelfAttn() {
        Path dir = root.resolve("adapter");
        PeftAdapter.write(dir, ALL, LoraFixtures.randomWeights(MODEL, ALL, 2, 0.1), "base");
        try (SafetensorsFile file = SafetensorsFile.open(dir.resolve("adapter_model.safetensors"))) {
            assertEquals(LoraFixtures.LAYERS * 7 * 2, file.tensors().size());
            assertShape(file, "base_model.model.model.layers.1.self_attn.q_proj.lora_A.weight", 2, 16); // [r, H]
            assertShape(file, "base_model.model.model.layers.1.self_attn.q_proj.lora_B.weight", 24, 2); // [N*D, r]
            assertShape(file, "base_model.model.model.layers.1.self_attn.k_proj.lora_B.weight", 12, 2); // [K*D, r]
            assertShape(file, "base_model.model.model.layers.1.self_attn.v_proj.lora_B.weight", 12, 2); // [K*D, r]
            assertShape(file, "base_model.model.model.layers.1.self_attn.o_proj.lora_A.weight", 2, 24); // [r, N*D]
            assertShape(file, "base_model.model.model.layers.1.self_attn.o_proj.lora_B.weight", 16, 2); // [H, r]
            assertShape(file, "base_model.model.model.layers.1.mlp.up_proj.lora_B.weight", 24, 2);
        }
        assertEquals("base_model.model.model.layers.7.self_attn.o_proj.lora_B.weight",
                PeftAdapter.key(7, "o_proj", 'B'));
    }

    @Test
    void readsBackExactlyWhatItWroteInF32() {
        Path dir = root.resolve("adapter");
        LoraWeights weights = LoraFixtures.randomWeights(MODEL, ALL, 3, 0.1);
        PeftAdapter.write(dir, ALL, weights, "/models/pruned-n8");
        assertEquals(new PeftAdapter(ALL, weights, "/models/pruned-n8"), PeftAdapter.read(dir));
    }

    @Test
    void readsBackBf16AndF16FactorsAsTheirRoundedValues() {
        LoraWeights weights = LoraFixtures.randomWeights(MODEL, MLP, 4, 0.1);
        for (DType dtype : List.of(DType.BF16, DType.F16)) {
            Path dir = root.resolve(dtype.name());
            PeftAdapter.write(dir, MLP, weights, "base", dtype);
            PeftAdapter read = PeftAdapter.read(dir);
            try (SafetensorsFile file = SafetensorsFile.open(dir.resolve("adapter_model.safetensors"))) {
                file.tensors().forEach(tensor -> assertEquals(dtype, tensor.dtype(), tensor.name()));
            }
            for (LoraPair pair : weights.pairs()) {
                LoraPair back = read.weights().pair(pair.layer(), pair.module()).orElseThrow();
                assertArrayEquals(FloatCodec.decode(dtype, FloatCodec.encode(dtype, pair.a())), back.a());
                assertArrayEquals(FloatCodec.decode(dtype, FloatCodec.encode(dtype, pair.b())), back.b());
            }
        }
    }

    @Test
    void writesAtomicallyWithAManifestAndNeverIntoAnExistingDirectory() throws IOException {
        Path dir = root.resolve("adapter");
        LoraWeights weights = LoraFixtures.randomWeights(MODEL, MLP, 5, 0.1);
        PeftAdapter.write(dir, MLP, weights, "base");
        assertEquals(List.of("adapter"), listing(root));
        assertEquals(List.of("adapter_config.json", "adapter_model.safetensors", "manifest.json"), listing(dir));
        Manifest.read(dir.resolve("manifest.json")).verify(dir);

        byte[] before = Files.readAllBytes(dir.resolve("adapter_model.safetensors"));
        assertRejected(() -> PeftAdapter.write(dir, MLP, LoraFixtures.randomWeights(MODEL, MLP, 6, 0.1), "base"),
                dir.toString(), "already exists");
        assertArrayEquals(before, Files.readAllBytes(dir.resolve("adapter_model.safetensors")));
        assertEquals(List.of("adapter"), listing(root));
    }

    @Test
    void refusesWeightsThatDoNotMatchTheConfig() {
        LoraWeights rank4 = LoraFixtures.randomWeights(MODEL, MLP, 5, 0.1);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> PeftAdapter.write(
                root.resolve("a"), LoraConfig.ofRank(8), rank4, "base"));
        assertTrue(e.getMessage().contains("rank 4"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> PeftAdapter.write(root.resolve("a"),
                new LoraConfig(4, 4, 0, List.of("gate_proj", "up_proj")), rank4, "base"));
        assertTrue(e.getMessage().contains("target_modules"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> PeftAdapter.write(root.resolve("a"), MLP, rank4, "base",
                DType.I8));
        assertEquals(List.of(), listing(root));
    }

    @Test
    void readsAPeftDirectoryWithoutOurManifestButWithItsReadme() throws IOException {
        Path dir = root.resolve("adapter");
        LoraWeights weights = LoraFixtures.randomWeights(MODEL, MLP, 7, 0.1);
        PeftAdapter.write(dir, MLP, weights, "base");
        Files.delete(dir.resolve("manifest.json"));
        Files.writeString(dir.resolve("README.md"), "---\nlibrary_name: peft\n---\n");
        assertEquals(weights, PeftAdapter.read(dir).weights());
    }

    @Test
    void namesTheFileAndKeyOfAMissingFactor() throws IOException {
        Path dir = adapterWithWeights(tensors -> tensors.stream()
                .filter(t -> !t.name().equals("base_model.model.model.layers.1.mlp.up_proj.lora_B.weight")).toList());
        assertRejected(() -> PeftAdapter.read(dir), dir.resolve("adapter_model.safetensors").toString(),
                "missing tensor base_model.model.model.layers.1.mlp.up_proj.lora_B.weight");
    }

    @Test
    void namesTheFileAndKeyOfAFactorWhoseShapeDisagreesWithR() throws IOException {
        String key = "base_model.model.model.layers.2.mlp.down_proj.lora_A.weight";
        Path dir = adapterWithWeights(tensors -> tensors.stream()
                .map(t -> t.name().equals(key) ? new TensorData(key, DType.F32, new long[] {8, 12}, t.data()) : t)
                .toList());
        assertRejected(() -> PeftAdapter.read(dir), dir.resolve("adapter_model.safetensors").toString(),
                "tensor " + key + " has shape [8, 12], expected [r, in] = [4, in]");
    }

    @Test
    void namesTheFileAndKeyOfAnUnknownTensorOrAnUntargetedModule() throws IOException {
        Path extra = adapterWithWeights(tensors -> append(tensors,
                "base_model.model.model.layers.0.mlp.gate_proj.lora_magnitude_vector"));
        assertRejected(() -> PeftAdapter.read(extra), extra.resolve("adapter_model.safetensors").toString(),
                "tensor base_model.model.model.layers.0.mlp.gate_proj.lora_magnitude_vector is not a LoRA factor");
        Path misplaced = adapterWithWeights(tensors -> append(tensors,
                "base_model.model.model.layers.0.self_attn.gate_proj.lora_A.weight"));
        assertRejected(() -> PeftAdapter.read(misplaced), "self_attn.gate_proj.lora_A.weight is not a LoRA factor");
        Path untargeted = adapterWithWeights(tensors -> append(tensors,
                "base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight"));
        assertRejected(() -> PeftAdapter.read(untargeted), untargeted.resolve("adapter_model.safetensors").toString(),
                "self_attn.q_proj.lora_A.weight adapts q_proj, which is not among target_modules");
    }

    @Test
    void refusesConfigsThatWouldChangeWhatTheFactorsMean() throws IOException {
        Map<String, String> refused = Map.of(
                "use_rslora", "true",
                "use_dora", "true",
                "bias", "\"lora_only\"",
                "rank_pattern", "{\"gate_proj\": 8}",
                "layers_to_transform", "[0, 1]",
                "modules_to_save", "[\"lm_head\"]",
                "peft_type", "\"ADALORA\"",
                "target_modules", "\"all-linear\"");
        for (Map.Entry<String, String> entry : refused.entrySet()) {
            Path dir = root.resolve(entry.getKey());
            PeftAdapter.write(dir, MLP, LoraFixtures.randomWeights(MODEL, MLP, 8, 0.1), "base");
            Files.delete(dir.resolve("manifest.json"));
            ObjectNode config = (ObjectNode) JSON.readTree(dir.resolve("adapter_config.json").toFile());
            config.set(entry.getKey(), JSON.readTree(entry.getValue()));
            Files.writeString(dir.resolve("adapter_config.json"), config.toString());
            assertRejected(() -> PeftAdapter.read(dir), dir.resolve("adapter_config.json").toString(),
                    entry.getKey());
        }
    }

    @Test
    void refusesFilesThatNoLongerMatchOurManifest() throws IOException {
        Path dir = root.resolve("adapter");
        PeftAdapter.write(dir, MLP, LoraFixtures.randomWeights(MODEL, MLP, 9, 0.1), "base");
        String config = Files.readString(dir.resolve("adapter_config.json"));
        Files.writeString(dir.resolve("adapter_config.json"), config.replace("\"r\": 4", "\"r\": 4 "));
        assertRejected(() -> PeftAdapter.read(dir), dir.resolve("adapter_config.json").toString(), "sha256");
    }

    @Test
    void refusesADirectoryWithoutAdapterFiles() throws IOException {
        Path empty = Files.createDirectory(root.resolve("empty"));
        assertRejected(() -> PeftAdapter.read(empty), empty.toString(), "no adapter_config.json");
        Files.writeString(empty.resolve("adapter_config.json"), "{}");
        Files.write(empty.resolve("adapter_model.bin"), new byte[0]);
        assertRejected(() -> PeftAdapter.read(empty), "no adapter_model.safetensors", "adapter_model.bin");
    }

    @Test
    void numpyReadsTheSameConfigTensorsAndLayout() throws Exception {
        Path dir = root.resolve("adapter");
        LoraWeights weights = LoraFixtures.randomWeights(MODEL, ALL, 10, 0.1);
        PeftAdapter.write(dir, ALL, weights, "base", DType.BF16);
        JsonNode reference = PythonReference.runScript("peft_reference.py", List.of("--adapter", dir.toString()),
                root);

        assertEquals(JSON.readTree(dir.resolve("adapter_config.json").toFile()), reference.get("config"));
        assertEquals(JSON.readTree("{\"format\": \"pt\"}"), reference.get("metadata"));
        JsonNode tensors = reference.get("tensors");
        assertEquals(weights.pairs().size() * 2, tensors.size());
        long covered = 0;
        for (LoraPair pair : weights.pairs()) {
            for (char factor : new char[] {'A', 'B'}) {
                JsonNode tensor = tensors.get(PeftAdapter.key(pair.layer(), pair.module(), factor));
                assertEquals("BF16", tensor.get("dtype").textValue());
                float[] expected = FloatCodec.decode(DType.BF16, FloatCodec.encode(DType.BF16,
                        factor == 'A' ? pair.a() : pair.b()));
                assertEquals(JSON.valueToTree(factor == 'A' ? List.of(pair.rank(), pair.in())
                        : List.of(pair.out(), pair.rank())), tensor.get("shape"));
                for (int i = 0; i < expected.length; i++) {
                    assertEquals(expected[i], tensor.get("values").get(i).doubleValue(), 0.0);
                }
                covered += tensor.get("offsets").get(1).longValue() - tensor.get("offsets").get(0).longValue();
            }
        }
        assertEquals(reference.get("data_length").longValue(), covered);
    }

    /** An adapter whose weights file is rewritten by {@code edit}, without our manifest (as PEFT writes it). */
    private Path adapterWithWeights(UnaryOperator<List<TensorData>> edit) throws IOException {
        Path dir = Files.createTempDirectory(root, "adapter").resolve("adapter");
        PeftAdapter.write(dir, MLP, LoraFixtures.randomWeights(MODEL, MLP, 11, 0.1), "base");
        Files.delete(dir.resolve("manifest.json"));
        Path weights = dir.resolve("adapter_model.safetensors");
        List<TensorData> tensors = new ArrayList<>();
        try (SafetensorsFile file = SafetensorsFile.open(weights)) {
            for (TensorInfo tensor : file.tensors()) {
                ByteBuffer copy = ByteBuffer.allocate((int) tensor.byteLength()).put(file.bytes(tensor.name())).flip();
                tensors.add(new TensorData(tensor.name(), tensor.dtype(), tensor.shape(), copy));
            }
        }
        SafetensorsWriter.write(weights, edit.apply(tensors), Map.of());
        return dir;
    }

    private static List<TensorData> append(List<TensorData> tensors, String name) {
        List<TensorData> more = new ArrayList<>(tensors);
        more.add(new TensorData(name, DType.F32, new long[] {4, 16}, ByteBuffer.allocate(4 * 4 * 16)));
        return more;
    }

    private static void assertShape(SafetensorsFile file, String name, long... shape) {
        assertArrayEquals(shape, file.info(name).orElseThrow(() -> new AssertionError("no " + name)).shape(), name);
    }

    private static void assertRejected(Executable executable, String... parts) {
        CheckpointException e = assertThrows(CheckpointException.class, executable);
        for (String part : parts) {
            assertTrue(e.getMessage().contains(part), "'" + part + "' not in: " + e.getMessage());
        }
        assertFalse(e.getMessage().isBlank());
    }
}
