package org.layerprune.core.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.layerprune.core.checkpoint.TestFiles.assertRejected;
import static org.layerprune.core.checkpoint.TestFiles.longs;
import static org.layerprune.core.checkpoint.TestFiles.pattern;
import static org.layerprune.core.checkpoint.TestFiles.shorts;
import static org.layerprune.core.checkpoint.TestFiles.tensor;
import static org.layerprune.core.checkpoint.TestFiles.toArray;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointWriterTest {

    private static final String CONFIG = "{\"architectures\": [\"LlamaForCausalLM\"], \"num_hidden_layers\": 2}";

    @TempDir
    Path root;

    /** Five 16-byte tensors: 80 bytes in all. */
    private static List<TensorData> fiveTensors() {
        return List.of(
                tensor("model.embed_tokens.weight", DType.F32, new long[] {2, 2}, pattern(16, 0)),
                tensor("model.layers.0.mlp.up_proj.weight", DType.BF16, new long[] {8}, pattern(16, 20)),
                tensor("model.layers.1.mlp.up_proj.weight", DType.F16, new long[] {2, 4}, pattern(16, 40)),
                tensor("model.norm.weight", DType.F32, new long[] {4}, pattern(16, 60)),
                tensor("lm_head.weight", DType.I64, new long[] {2}, pattern(16, 80)));
    }

    /** Values whose bit patterns a float round trip would change: NaN payloads, signalling NaNs, -0, subnormals. */
    private static List<TensorData> awkwardBitPatterns() {
        ByteBuffer f32 = ByteBuffer.allocate(24).order(ByteOrder.LITTLE_ENDIAN);
        for (int bits : new int[] {0x7FC00001, 0x7F800001, 0x80000000, 0x00000001, 0xFF800000, 0x3F800000}) {
            f32.putInt(bits);
        }
        return List.of(
                new TensorData("f32", DType.F32, new long[] {2, 3}, f32.flip()),
                tensor("f16", DType.F16, new long[] {5}, shorts(0x7E01, 0x7C01, 0xFC00, 0x8000, 0x0001)),
                tensor("bf16", DType.BF16, new long[] {5}, shorts(0x7FC1, 0xFF81, 0x8000, 0x0001, 0x3F80)),
                tensor("i64", DType.I64, new long[] {3}, longs(Long.MIN_VALUE, -1, 1L << 40)),
                tensor("u8", DType.U8, new long[] {16, 16}, pattern(256, 0)));
    }

    @Test
    void writesOneModelSafetensorsWhenTheTensorsFitInOneShard() throws IOException {
        Path out = root.resolve("out");
        CheckpointWriter.to(out).write(CONFIG, fiveTensors(), List.of());

        assertEquals(List.of("config.json", "manifest.json", "model.safetensors"), listing(out));
        assertEquals(CONFIG, Files.readString(out.resolve("config.json")));
        try (Checkpoint checkpoint = Checkpoint.open(out);
                SafetensorsFile file = SafetensorsFile.open(out.resolve("model.safetensors"))) {
            assertFalse(checkpoint.isSharded());
            assertEquals(Map.of("format", "pt"), file.metadata());
            for (TensorData tensor : fiveTensors()) {
                assertArrayEquals(toArray(tensor.data()), toArray(checkpoint.bytes(tensor.name())));
            }
        }
    }

    @Test
    void shardsGreedilyInOrderWithAnIndexThatCheckpointReadsBack() {
        Path out = root.resolve("out");
        CheckpointWriter.to(out).maxShardBytes(40).write(CONFIG, fiveTensors(), List.of());

        List<String> shards = List.of("model-00001-of-00003.safetensors", "model-00002-of-00003.safetensors",
                "model-00003-of-00003.safetensors");
        assertEquals(Stream.concat(Stream.of("config.json", "manifest.json", ShardIndex.FILE_NAME), shards.stream())
                .sorted().toList(), listing(out));
        ShardIndex index = ShardIndex.read(out.resolve(ShardIndex.FILE_NAME));
        assertEquals(OptionalLong.of(80), index.totalSize());
        assertEquals(Map.of(
                "model.embed_tokens.weight", shards.get(0),
                "model.layers.0.mlp.up_proj.weight", shards.get(0),
                "model.layers.1.mlp.up_proj.weight", shards.get(1),
                "model.norm.weight", shards.get(1),
                "lm_head.weight", shards.get(2)), index.weightMap());
        try (Checkpoint checkpoint = Checkpoint.open(out)) {
            assertTrue(checkpoint.isSharded());
            assertEquals(fiveTensors().stream().map(TensorData::name).toList(),
                    checkpoint.tensors().stream().map(TensorInfo::name).toList());
            for (TensorData tensor : fiveTensors()) {
                assertArrayEquals(toArray(tensor.data()), toArray(checkpoint.bytes(tensor.name())));
            }
        }
    }

    @Test
    void givesATensorLargerThanTheLimitAShardOfItsOwnAndNeverSplitsIt() {
        Path out = root.resolve("out");
        CheckpointWriter.to(out).maxShardBytes(16).write(CONFIG, List.of(
                tensor("a", DType.U8, new long[] {8}, pattern(8, 0)),
                tensor("big", DType.U8, new long[] {64}, pattern(64, 1)),
                tensor("c", DType.U8, new long[] {8}, pattern(8, 2)),
                tensor("d", DType.U8, new long[] {8}, pattern(8, 3))), List.of());
        assertEquals(Map.of("a", "model-00001-of-00003.safetensors", "big", "model-00002-of-00003.safetensors",
                        "c", "model-00003-of-00003.safetensors", "d", "model-00003-of-00003.safetensors"),
                ShardIndex.read(out.resolve(ShardIndex.FILE_NAME)).weightMap());
    }

    @Test
    void copiesTensorsFromAnInputCheckpointByteIdenticalWhateverTheirDtype() throws IOException {
        Path in = root.resolve("in");
        CheckpointWriter.to(in).write(CONFIG, awkwardBitPatterns(), List.of());

        Path single = root.resolve("single");
        Path sharded = root.resolve("sharded");
        try (Checkpoint input = Checkpoint.open(in)) {
            List<TensorData> copied = input.tensors().stream()
                    .map(t -> new TensorData(t.name(), t.dtype(), t.shape(), input.bytes(t.name())))
                    .toList();
            CheckpointWriter.to(single).write(CONFIG, copied, List.of());
            CheckpointWriter.to(sharded).maxShardBytes(32).write(CONFIG, copied, List.of());
        }

        assertArrayEquals(Files.readAllBytes(in.resolve("model.safetensors")),
                Files.readAllBytes(single.resolve("model.safetensors")));
        try (Checkpoint shards = Checkpoint.open(sharded)) {
            assertTrue(shards.weightFiles().size() > 2);
            for (TensorData tensor : awkwardBitPatterns()) {
                assertArrayEquals(toArray(tensor.data()), toArray(shards.bytes(tensor.name())), tensor.name());
                assertEquals(tensor.dtype(), shards.info(tensor.name()).orElseThrow().dtype());
            }
        }
    }

    @Test
    void copiesExtraFilesByteForByte() throws IOException {
        Path tokenizer = Files.write(root.resolve("tokenizer.model"), pattern(256, 0));
        Path generation = Files.writeString(root.resolve("generation_config.json"), "{\"eos_token_id\": 2}\r\n");
        Path out = root.resolve("out");
        CheckpointWriter.to(out).write(CONFIG, fiveTensors(), List.of(tokenizer, generation));

        assertArrayEquals(pattern(256, 0), Files.readAllBytes(out.resolve("tokenizer.model")));
        assertEquals("{\"eos_token_id\": 2}\r\n", Files.readString(out.resolve("generation_config.json")));
    }

    @Test
    void writesAManifestWhoseSha256MatchesEveryFile() throws IOException {
        Path tokenizer = Files.writeString(root.resolve("tokenizer.json"), "{\"model\": {}}");
        Path out = root.resolve("out");
        CheckpointWriter.to(out).maxShardBytes(40).write(CONFIG, fiveTensors(), List.of(tokenizer));

        Manifest manifest = Manifest.read(out.resolve(Manifest.FILE_NAME));
        List<String> others = listing(out).stream().filter(name -> !name.equals(Manifest.FILE_NAME)).toList();
        assertEquals(others, List.copyOf(manifest.files().keySet()));
        for (String name : others) {
            byte[] bytes = Files.readAllBytes(out.resolve(name));
            assertEquals(new Manifest.FileDigest(sha256(bytes), bytes.length), manifest.files().get(name), name);
        }
        manifest.verify(out);
    }

    @Test
    void leavesNoTemporaryDirectoryBehindOnSuccessOrFailure() {
        Path out = root.resolve("out");
        CheckpointWriter.to(out).maxShardBytes(40).write(CONFIG, fiveTensors(), List.of());
        assertEquals(List.of("out"), listing(root));

        Path failed = root.resolve("failed");
        Path bad = Path.of("not-here.json");
        assertThrows(CheckpointException.class, () -> CheckpointWriter.to(failed).write(CONFIG, fiveTensors(),
                List.of(bad)));
        assertEquals(List.of("out"), listing(root));
    }

    @Test
    void removesItsTemporaryDirectoryWhenWritingFailsHalfway() throws IOException {
        Path in = root.resolve("in");
        CheckpointWriter.to(in).write(CONFIG, List.of(tensor("w", DType.U8, new long[] {65536}, new byte[65536])),
                List.of());
        Path out = root.resolve("out");
        try (Checkpoint input = Checkpoint.open(in)) {
            List<TensorData> mapped = input.tensors().stream()
                    .map(t -> new TensorData(t.name(), t.dtype(), t.shape(), input.bytes(t.name())))
                    .toList();
            try (FileChannel weights = FileChannel.open(in.resolve("model.safetensors"), StandardOpenOption.WRITE)) {
                weights.truncate(8); // the mapped pages past the first are gone from under the writer
            }
            CheckpointException failure = assertThrows(CheckpointException.class,
                    () -> CheckpointWriter.to(out).write(CONFIG, mapped, List.of()));
            assertTrue(failure.getMessage().contains("model.safetensors: cannot write"), failure.getMessage());
        }
        assertEquals(List.of("in"), listing(root));
    }

    @Test
    void refusesToOverwriteAnExistingTarget() throws IOException {
        Path out = Files.createDirectory(root.resolve("out"));
        Files.writeString(out.resolve("keep.txt"), "mine");
        assertRejected(() -> CheckpointWriter.to(out).write(CONFIG, fiveTensors(), List.of()), out,
                "already exists");
        assertEquals(List.of("keep.txt"), listing(out));
        assertEquals(List.of("out"), listing(root));
    }

    @Test
    void createsMissingParentDirectories() {
        Path out = root.resolve("runs").resolve("exp1").resolve("pruned");
        CheckpointWriter.to(out).write(CONFIG, fiveTensors(), List.of());
        assertTrue(Files.isRegularFile(out.resolve("model.safetensors")));
    }

    @Test
    void namesTheFinalFileAndTensorWhenAShapeDisagreesWithItsBytes() {
        Path out = root.resolve("out");
        List<TensorData> tensors = List.of(tensor("a", DType.U8, new long[] {8}, pattern(8, 0)),
                tensor("b", DType.F32, new long[] {3}, pattern(8, 0)));
        assertRejected(() -> CheckpointWriter.to(out).maxShardBytes(8).write(CONFIG, tensors, List.of()),
                out.resolve("model-00002-of-00002.safetensors"), "tensor b", "[3]");
        assertEquals(List.of(), listing(root));
    }

    @Test
    void refusesATensorNameGivenTwiceEvenAcrossShards() {
        Path out = root.resolve("out");
        List<TensorData> tensors = List.of(tensor("w", DType.U8, new long[] {8}, pattern(8, 0)),
                tensor("w", DType.U8, new long[] {8}, pattern(8, 1)));
        assertRejected(() -> CheckpointWriter.to(out).maxShardBytes(8).write(CONFIG, tensors, List.of()), out,
                "tensor w", "twice");
    }

    @Test
    void refusesExtraFilesThatWouldReplaceItsOwnOrEachOther() throws IOException {
        Path out = root.resolve("out");
        Path config = Files.writeString(root.resolve("config.json"), "{}");
        assertRejected(() -> CheckpointWriter.to(out).write(CONFIG, fiveTensors(), List.of(config)), config,
                "config.json");
        Path weights = Files.write(root.resolve("adapter_model.safetensors"), new byte[0]);
        assertRejected(() -> CheckpointWriter.to(out).write(CONFIG, fiveTensors(), List.of(weights)), weights);
        Path a = Files.writeString(Files.createDirectory(root.resolve("a")).resolve("tokenizer.json"), "{}");
        Path b = Files.writeString(Files.createDirectory(root.resolve("b")).resolve("tokenizer.json"), "{}");
        assertRejected(() -> CheckpointWriter.to(out).write(CONFIG, fiveTensors(), List.of(a, b)), b, a.toString());
        assertFalse(Files.exists(out));
    }

    @Test
    void refusesAConfigThatIsNotAJsonObject() {
        Path out = root.resolve("out");
        assertRejected(() -> CheckpointWriter.to(out).write("[\"not\", \"a config\"]", fiveTensors(), List.of()),
                out.resolve("config.json"), "not a JSON object");
        assertRejected(() -> CheckpointWriter.to(out).write("{\"a\": ", fiveTensors(), List.of()),
                out.resolve("config.json"), "not well-formed JSON");
    }

    @Test
    void refusesAShardLimitThatIsNotPositive() {
        assertThrows(IllegalArgumentException.class, () -> CheckpointWriter.to(root).maxShardBytes(0));
    }

    @Test
    void writesTheShardsItIsGivenWhateverTheirSizeWithAnIndex() {
        Path out = root.resolve("out");
        List<TensorData> tensors = fiveTensors();
        CheckpointWriter.to(out).maxShardBytes(1).writeShards(CONFIG, List.of(tensors.subList(0, 3),
                tensors.subList(3, 5)), List.of());

        String first = "model-00001-of-00002.safetensors";
        String second = "model-00002-of-00002.safetensors";
        ShardIndex index = ShardIndex.read(out.resolve(ShardIndex.FILE_NAME));
        assertEquals(OptionalLong.of(80), index.totalSize());
        assertEquals(Map.of("model.embed_tokens.weight", first, "model.layers.0.mlp.up_proj.weight", first,
                "model.layers.1.mlp.up_proj.weight", first, "model.norm.weight", second, "lm_head.weight", second),
                index.weightMap());
        try (Checkpoint checkpoint = Checkpoint.open(out)) {
            for (TensorData tensor : tensors) {
                assertArrayEquals(toArray(tensor.data()), toArray(checkpoint.bytes(tensor.name())));
            }
        }
    }

    @Test
    void keepsTheShardedLayoutForASingleGivenShard() {
        Path out = root.resolve("out");
        CheckpointWriter.to(out).writeShards(CONFIG, List.of(fiveTensors()), List.of());
        assertEquals(List.of("config.json", "manifest.json", "model-00001-of-00001.safetensors",
                ShardIndex.FILE_NAME), listing(out));
        try (Checkpoint checkpoint = Checkpoint.open(out)) {
            assertTrue(checkpoint.isSharded());
        }
    }

    @Test
    void refusesNoShardsOrAnEmptyOne() {
        Path out = root.resolve("out");
        assertRejected(() -> CheckpointWriter.to(out).writeShards(CONFIG, List.of(), List.of()), out, "no shards");
        assertRejected(() -> CheckpointWriter.to(out).writeShards(CONFIG, List.of(fiveTensors(), List.of()),
                List.of()), out, "shard 2 of 2", "no tensors");
        assertEquals(List.of(), listing(root));
    }

    @Test
    void writesTheCallersFilesAndAProvenanceSectionIntoTheManifest() throws IOException {
        Path out = root.resolve("out");
        ObjectNode provenance = new ObjectMapper().createObjectNode().put("tool", "test");
        CheckpointWriter.to(out).withProvenance(provenance).withFile("recipe.yaml", "a: 1\n".getBytes())
                .write(CONFIG, fiveTensors(), List.of());

        assertEquals("a: 1\n", Files.readString(out.resolve("recipe.yaml")));
        Manifest manifest = Manifest.read(out.resolve(Manifest.FILE_NAME));
        assertEquals(provenance, manifest.provenance().orElseThrow());
        assertTrue(manifest.files().containsKey("recipe.yaml"));
        manifest.verify(out);
    }

    @Test
    void refusesACallersFileThatWouldTakeThePlaceOfItsOwnOrOfAnExtraFile() throws IOException {
        Path out = root.resolve("out");
        assertRejected(() -> CheckpointWriter.to(out).withFile("config.json", new byte[0])
                .write(CONFIG, fiveTensors(), List.of()), out.resolve("config.json"));
        assertRejected(() -> CheckpointWriter.to(out).withFile("../escape.txt", new byte[0])
                .write(CONFIG, fiveTensors(), List.of()), out.resolve("../escape.txt"));
        Path readme = Files.writeString(root.resolve("README.md"), "#");
        assertRejected(() -> CheckpointWriter.to(out).withFile("README.md", new byte[0])
                .write(CONFIG, fiveTensors(), List.of(readme)), out.resolve("README.md"), readme.toString());
        assertThrows(IllegalArgumentException.class, () -> CheckpointWriter.to(out).withFile("a", new byte[0])
                .withFile("a", new byte[1]));
        assertFalse(Files.exists(out));
    }

    @Test
    void replacesAnExistingCheckpointOnlyWhenAskedAndLeavesNothingAside() throws IOException {
        Path out = root.resolve("out");
        CheckpointWriter.to(out).write(CONFIG, fiveTensors(), List.of());
        Files.writeString(out.resolve("stale.txt"), "from the old checkpoint");
        assertRejected(() -> CheckpointWriter.to(out).write(CONFIG, fiveTensors().subList(0, 2), List.of()), out,
                "already exists");

        CheckpointWriter.to(out).replaceExisting(true).maxShardBytes(40).write(CONFIG, fiveTensors(), List.of());
        assertFalse(Files.exists(out.resolve("stale.txt")));
        assertTrue(Files.exists(out.resolve(ShardIndex.FILE_NAME)));
        Manifest.read(out.resolve(Manifest.FILE_NAME)).verify(out);
        assertEquals(List.of("out"), listing(root));
    }

    @Test
    void replacesAnEmptyDirectory() throws IOException {
        Path out = Files.createDirectory(root.resolve("out"));
        CheckpointWriter.to(out).replaceExisting(true).write(CONFIG, fiveTensors(), List.of());
        assertTrue(Files.exists(out.resolve("model.safetensors")));
        assertEquals(List.of("out"), listing(root));
    }

    @Test
    void keepsTheOldCheckpointWhenItsReplacementFails() throws IOException {
        Path out = root.resolve("out");
        CheckpointWriter.to(out).write(CONFIG, fiveTensors(), List.of());
        byte[] before = Files.readAllBytes(out.resolve("model.safetensors"));
        assertThrows(CheckpointException.class, () -> CheckpointWriter.to(out).replaceExisting(true)
                .write(CONFIG, fiveTensors(), List.of(root.resolve("missing-tokenizer.json"))));
        assertArrayEquals(before, Files.readAllBytes(out.resolve("model.safetensors")));
        Manifest.read(out.resolve(Manifest.FILE_NAME)).verify(out);
        assertEquals(List.of("out"), listing(root));
    }

    @Test
    void neverReplacesWhatDoesNotLookLikeACheckpoint() throws IOException {
        Path home = Files.createDirectory(root.resolve("home"));
        Files.writeString(home.resolve("thesis.tex"), "irreplaceable");
        assertRejected(() -> CheckpointWriter.to(home).replaceExisting(true).write(CONFIG, fiveTensors(),
                List.of()), home, "does not look like a checkpoint");
        Path file = Files.writeString(root.resolve("file"), "x");
        assertRejected(() -> CheckpointWriter.to(file).replaceExisting(true).write(CONFIG, fiveTensors(),
                List.of()), file, "not a directory");
        assertEquals(List.of("thesis.tex"), listing(home));
        assertEquals(List.of("file", "home"), listing(root));
    }

    private static List<String> listing(Path dir) {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
