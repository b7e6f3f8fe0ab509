package org.layerprune.core.heal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.layerprune.core.heal.LoraFixtures.listing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;
import org.layerprune.core.checkpoint.Checkpoint;
import org.layerprune.core.checkpoint.CheckpointException;
import org.layerprune.core.checkpoint.CheckpointHash;
import org.layerprune.core.checkpoint.CheckpointWriter;
import org.layerprune.core.checkpoint.DType;
import org.layerprune.core.checkpoint.FloatCodec;
import org.layerprune.core.checkpoint.Manifest;
import org.layerprune.core.checkpoint.ShardIndex;
import org.layerprune.core.checkpoint.TensorData;
import org.layerprune.core.checkpoint.TensorInfo;
import org.layerprune.core.model.LlamaConfig;
import org.layerprune.core.model.RandomCheckpoint;
import org.layerprune.core.testing.PythonReference;

class LoraMergeTest {

    private static final LlamaConfig MODEL = LlamaConfig.parse(LoraFixtures.llamaConfig());

    /** alpha / r = 2.5: a scale other than 1, so that a forgotten scale shows. */
    private static final LoraConfig LORA = new LoraConfig(4, 10, 0.05, List.of("q_proj", "o_proj", "gate_proj",
            "up_proj", "down_proj"));

    @TempDir
    Path root;

    @Test
    void addsScaledBTimesAToEachAdaptedF32WeightWithinFloat32Rounding() {
        assertMergedWithinHalfAnUlp(DType.F32);
    }

    @Test
    void addsScaledBTimesAToEachAdaptedBf16WeightWithinBfloat16Rounding() {
        assertMergedWithinHalfAnUlp(DType.BF16);
    }

    @Test
    void addsScaledBTimesAToEachAdaptedF16WeightWithinHalfRounding() {
        assertMergedWithinHalfAnUlp(DType.F16);
    }

    @Test
    void mergingAnUntrainedAdapterChangesNoByte() throws IOException {
        Path base = base(DType.BF16);
        Path adapter = root.resolve("adapter");
        List<LoraPair> zeroB = new ArrayList<>();
        for (LoraPair pair : LoraFixtures.randomWeights(MODEL, LORA, 1, 0.1).pairs()) {
            zeroB.add(new LoraPair(pair.layer(), pair.module(), pair.a(), new float[pair.b().length], pair.in(),
                    pair.out())); // PEFT's init_lora_weights=True: B = 0
        }
        PeftAdapter.write(adapter, LORA, new LoraWeights(zeroB), base.toString());
        Path out = root.resolve("merged");
        LoraMerge.merge(base, adapter, out);
        assertArrayEquals(Files.readAllBytes(base.resolve("model.safetensors")),
                Files.readAllBytes(out.resolve("model.safetensors")));
    }

    @Test
    void keepsTheBasesShardsTensorsAndOrder() {
        Path base = root.resolve("base");
        RandomCheckpoint.write(LoraFixtures.llamaConfig(), DType.BF16, 3, 0.05, 6000, base);
        Path adapter = adapter(1);
        Path out = root.resolve("merged");
        LoraMerge.merge(base, adapter, out);

        ShardIndex before = ShardIndex.read(base.resolve(ShardIndex.FILE_NAME));
        ShardIndex after = ShardIndex.read(out.resolve(ShardIndex.FILE_NAME));
        assertTrue(before.shardFiles().size() > 2, "the base should be sharded: " + before.shardFiles());
        assertEquals(before.weightMap(), after.weightMap());
        assertEquals(before.totalSize(), after.totalSize());
        try (Checkpoint in = Checkpoint.open(base); Checkpoint merged = Checkpoint.open(out)) {
            assertEquals(in.tensors(), merged.tensors(), "same names, dtypes, shapes and offsets in each shard");
        }
    }

    @Test
    void copiesConfigAndTokenizerFilesButNoOtherWeightsAndRecordsProvenance() throws IOException {
        Path base = base(DType.F32);
        Files.writeString(base.resolve("tokenizer.json"), "{\"model\": {}}");
        Files.writeString(base.resolve("generation_config.json"), "{\"do_sample\": false}");
        Files.write(base.resolve("pytorch_model.bin"), new byte[] {1, 2, 3});
        Files.writeString(base.resolve("mergekit.yaml"), "merge_method: passthrough\n");
        Path adapter = adapter(2);
        Path out = root.resolve("merged");
        LoraMerge.merge(base, adapter, out);

        assertEquals(List.of("config.json", "generation_config.json", "manifest.json", "model.safetensors",
                "tokenizer.json"), listing(out));
        for (String name : List.of("config.json", "generation_config.json", "tokenizer.json")) {
            assertArrayEquals(Files.readAllBytes(base.resolve(name)), Files.readAllBytes(out.resolve(name)), name);
        }
        Manifest manifest = Manifest.read(out.resolve("manifest.json"));
        manifest.verify(out);
        ObjectNode provenance = manifest.provenance().orElseThrow();
        assertEquals("merge_lora", provenance.get("operation").textValue());
        assertEquals(base.toAbsolutePath().toString(), provenance.at("/base/path").textValue());
        try (Checkpoint checkpoint = Checkpoint.open(base)) {
            assertEquals(CheckpointHash.of(checkpoint), provenance.at("/base/hash").textValue());
        }
        assertEquals(adapter.toAbsolutePath().toString(), provenance.at("/adapter/path").textValue());
        assertEquals(Manifest.FileDigest.of(adapter.resolve("adapter_model.safetensors")).sha256(),
                provenance.at("/adapter/adapter_model.safetensors/sha256").textValue());
        assertEquals(2.5, provenance.at("/lora/scale").doubleValue());
        assertEquals(4, provenance.at("/lora/r").intValue());
        assertEquals(10.0, provenance.at("/lora/lora_alpha").doubleValue());
    }

    @Test
    void numpyFindsEveryAdaptedWeightWithinHalfAnUlpAndEveryOtherTensorIdentical() throws Exception {
        Path base = root.resolve("base");
        RandomCheckpoint.write(LoraFixtures.llamaConfig(), DType.BF16, 5, 0.05, 6000, base);
        Path adapter = adapter(3);
        Path out = root.resolve("merged");
        LoraMerge.merge(base, adapter, out);

        JsonNode check = PythonReference.runScript("peft_reference.py", List.of("--adapter", adapter.toString(),
                "--base", base.toString(), "--merged", out.toString()), root);
        assertTrue(check.get("names_equal").booleanValue());
        assertEquals(2.5, check.get("scale").doubleValue());
        assertEquals(LoraFixtures.LAYERS * LORA.targetModules().size(), check.get("adapted").size());
        check.get("adapted").properties().forEach(entry -> {
            assertTrue(entry.getValue().get("max_ulp_error").doubleValue() <= 0.5 + 1e-6, entry.toString());
            assertTrue(entry.getValue().get("max_abs_update").doubleValue() > 1e-3, "a real update: " + entry);
        });
        assertFalse(check.get("identical").isEmpty());
        check.get("identical").properties().forEach(entry -> assertTrue(entry.getValue().booleanValue(),
                entry.getKey()));
    }

    @Test
    void namesTheAdapterFileAndKeyWhenTheAdapterIsForMoreLayers() {
        Path base = base(DType.F32);
        ObjectNode bigger = LoraFixtures.llamaConfig().put("num_hidden_layers", 5);
        Path adapter = root.resolve("adapter5");
        PeftAdapter.write(adapter, LORA, LoraFixtures.randomWeights(LlamaConfig.parse(bigger), LORA, 4, 0.1), "x");
        Path out = root.resolve("merged");
        assertRejected(() -> LoraMerge.merge(base, adapter, out),
                adapter.toAbsolutePath().resolve("adapter_model.safetensors").toString(),
                "tensor base_model.model.model.layers.3.self_attn.q_proj.lora_A.weight adapts layer 3",
                "num_hidden_layers = 3", "5 layers");
        assertFalse(Files.exists(out));
    }

    @Test
    void namesTheMissingAdapterKeyWhenTheAdapterIsForFewerLayers() {
        Path base = base(DType.F32);
        ObjectNode smaller = LoraFixtures.llamaConfig().put("num_hidden_layers", 2);
        Path adapter = root.resolve("adapter2");
        PeftAdapter.write(adapter, LORA, LoraFixtures.randomWeights(LlamaConfig.parse(smaller), LORA, 4, 0.1), "x");
        assertRejected(() -> LoraMerge.merge(base, adapter, root.resolve("merged")),
                adapter.toAbsolutePath().resolve("adapter_model.safetensors").toString(),
                "missing tensor base_model.model.model.layers.2.self_attn.q_proj.lora_A.weight");
    }

    @Test
    void namesBothKeysAndFilesWhenAnUpdateHasAnotherShapeThanItsWeight() {
        Path base = base(DType.F32);
        ObjectNode wider = LoraFixtures.llamaConfig().put("intermediate_size", 32);
        Path adapter = root.resolve("wider");
        PeftAdapter.write(adapter, LORA, LoraFixtures.randomWeights(LlamaConfig.parse(wider), LORA, 4, 0.1), "x");
        assertRejected(() -> LoraMerge.merge(base, adapter, root.resolve("merged")),
                adapter.toAbsolutePath().resolve("adapter_model.safetensors").toString(),
                "base_model.model.model.layers.0.mlp.gate_proj.lora_A.weight [4, 16]",
                "base_model.model.model.layers.0.mlp.gate_proj.lora_B.weight [32, 4]",
                base.toAbsolutePath().resolve("model.safetensors").toString(),
                "model.layers.0.mlp.gate_proj.weight of shape [24, 16]");
    }

    @Test
    void namesTheBaseDirectoryAndKeyOfAWeightTheBaseLacks() throws IOException {
        Path full = base(DType.F32);
        Path base = root.resolve("without-up");
        try (Checkpoint checkpoint = Checkpoint.open(full)) {
            List<TensorData> kept = checkpoint.tensors().stream()
                    .filter(t -> !t.name().equals("model.layers.1.mlp.up_proj.weight"))
                    .map(t -> new TensorData(t.name(), t.dtype(), t.shape(), checkpoint.bytes(t.name())))
                    .toList();
            CheckpointWriter.to(base).write(Files.readString(checkpoint.configFile()), kept, List.of());
        }
        assertRejected(() -> LoraMerge.merge(base, adapter(5), root.resolve("merged")),
                base.toAbsolutePath().toString(), "missing tensor model.layers.1.mlp.up_proj.weight",
                "base_model.model.model.layers.1.mlp.up_proj.lora_A.weight");
    }

    @Test
    void neverWritesIntoAnExistingDirectory() throws IOException {
        Path base = base(DType.F32);
        Path out = Files.createDirectory(root.resolve("merged"));
        Files.writeString(out.resolve("notes.txt"), "mine");
        assertRejected(() -> LoraMerge.merge(base, adapter(6), out), out.toString(), "already exists");
        assertEquals(List.of("notes.txt"), listing(out));
    }

    /**
     * Merges a random adapter into a random base of {@code dtype} and checks every element of every adapted weight
     * against {@code W + scale * B @ A} computed here in float64, and every other tensor byte for byte.
     */
    private void assertMergedWithinHalfAnUlp(DType dtype) {
        Path base = base(dtype);
        Path adapterDir = adapter(7);
        Path out = root.resolve("merged");
        LoraMerge.merge(base, adapterDir, out);

        LoraWeights weights = PeftAdapter.read(adapterDir).weights();
        Map<String, LoraPair> pairs = weights.byWeightKey();
        double scale = LORA.scale();
        try (Checkpoint in = Checkpoint.open(base); Checkpoint merged = Checkpoint.open(out)) {
            assertEquals(in.tensors(), merged.tensors());
            int adapted = 0;
            for (TensorInfo tensor : in.tensors()) {
                ByteBuffer before = in.bytes(tensor.name());
                ByteBuffer after = merged.bytes(tensor.name());
                LoraPair pair = pairs.get(tensor.name());
                if (pair == null) {
                    assertEquals(before, after, tensor.name() + " is byte-identical");
                    continue;
                }
                adapted++;
                float[] a = pair.a(); // [r, in]
                float[] b = pair.b(); // [out, r]
                double largestUpdate = 0;
                for (int o = 0; o < pair.out(); o++) {
                    for (int i = 0; i < pair.in(); i++) {
                        double update = 0;
                        for (int k = 0; k < pair.rank(); k++) {
                            update += (double) b[o * pair.rank() + k] * a[k * pair.in() + i];
                        }
                        int index = o * pair.in() + i;
                        double exact = FloatCodec.get(dtype, before, index) + scale * update;
                        double got = FloatCodec.get(dtype, after, index);
                        assertTrue(Math.abs(got - exact) <= 0.5 * ulp(dtype, exact) * (1 + 1e-9), tensor.name() + "["
                                + o + ", " + i + "] = " + got + ", exact " + exact + ", ulp " + ulp(dtype, exact));
                        largestUpdate = Math.max(largestUpdate, Math.abs(scale * update));
                    }
                }
                assertTrue(largestUpdate > 1e-3, tensor.name() + " got a real update");
            }
            assertEquals(LoraFixtures.LAYERS * LORA.targetModules().size(), adapted);
        }
    }

    /** The spacing of {@code dtype}'s values around {@code x}: 2^(e - (p - 1)), e clamped at the smallest normal. */
    private static double ulp(DType dtype, double x) {
        int bits = switch (dtype) {
            case F32 -> 24;
            case F16 -> 11;
            case BF16 -> 8;
            default -> throw new IllegalArgumentException(dtype.name());
        };
        int minExponent = dtype == DType.F16 ? -14 : -126;
        int exponent = Math.max(Math.getExponent(x), minExponent);
        return Math.scalb(1.0, exponent - (bits - 1));
    }

    /** A random single-file base of {@link LoraFixtures#LAYERS} layers; F16 is the F32 one rounded. */
    private Path base(DType dtype) {
        Path dir = root.resolve("base-" + dtype);
        if (dtype != DType.F16) {
            RandomCheckpoint.write(LoraFixtures.llamaConfig(), dtype, 3, 0.05, Long.MAX_VALUE, dir);
            return dir;
        }
        Path f32 = base(DType.F32);
        try (Checkpoint checkpoint = Checkpoint.open(f32)) {
            List<TensorData> halves = checkpoint.tensors().stream()
                    .map(t -> new TensorData(t.name(), DType.F16, t.shape(), FloatCodec.encode(DType.F16,
                            FloatCodec.decode(DType.F32, checkpoint.bytes(t.name())))))
                    .toList();
            String config = Files.readString(checkpoint.configFile()).replace("float32", "float16");
            CheckpointWriter.to(dir).write(config, halves, List.of());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return dir;
    }

    /** A random adapter for the base's shapes; B drawn like A, so that every weight changes. */
    private Path adapter(long seed) {
        Path dir = root.resolve("adapter-" + seed);
        PeftAdapter.write(dir, LORA, LoraFixtures.randomWeights(MODEL, LORA, seed, 0.1), "base");
        return dir;
    }

    private static void assertRejected(Executable executable, String... parts) {
        CheckpointException e = assertThrows(CheckpointException.class, executable);
        for (String part : parts) {
            assertTrue(e.getMessage().contains(part), "'" + part + "' not in: " + e.getMessage());
        }
    }
}
