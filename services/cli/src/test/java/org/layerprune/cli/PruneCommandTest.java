package org.layerprune.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code layerprune prune} of the stories260K checkpoint (L = 5), then read back by the CLI. */
class PruneCommandTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static final int USAGE = 2;

    /*
     * stories260K: H 64, I 172, N 8 heads of D 8, K 4 kv heads, V 512.
     *   one layer: 2 norms 2 * 64 + q 64 * 64 + k, v 2 * 32 * 64 + o 64 * 64 + gate, up, down 3 * 172 * 64 = 45,440
     *   info counts embed_tokens 512 * 64 = 32,768 + 5 layers + norm 64 = 260,032 (the tied lm_head once)
     */
    private static final long LAYER_PARAMETERS = 2 * 64 + 64 * 64 + 2 * 32 * 64 + 64 * 64 + 3 * 172 * 64;
    private static final long STORIES_PARAMETERS = 260_032;

    @TempDir
    Path tmp;

    @Test
    void cutsTheGivenBlockIntoACheckpointThatInfoAndGenerateRead() throws IOException {
        Path out = tmp.resolve("pruned");

        Cli.Result result = prune("--start", "1", "--count", "2", "--out", out.toString(), "--json");

        assertEquals(0, result.exitCode(), result::toString);
        JsonNode report = result.json();
        assertEquals("manual", report.get("strategy").asText());
        assertEquals(1, report.get("start").intValue());
        assertEquals(2, report.get("count").intValue());
        assertEquals("[1,2]", report.get("removed_layers").toString());
        assertEquals(5, report.get("layers_before").intValue());
        assertEquals(3, report.get("layers_after").intValue());
        assertFalse(report.has("metric") || report.has("distance"), "no probe chose this block: " + report);
        assertEquals(out.toAbsolutePath().toString(), report.get("output").asText());
        // the report counts the elements of the tensors written, the stored copy of the tied lm_head included
        assertEquals(STORIES_PARAMETERS - 2 * LAYER_PARAMETERS, report.get("parameters").longValue());

        assertTrue(fileNames(out).containsAll(Set.of("config.json", "model.safetensors", "manifest.json",
                "mergekit.yaml")), fileNames(out)::toString);
        assertEquals(fileNames(out), new TreeSet<>(strings(report.get("files"))), "the report lists every file");
        assertEquals(3, readJson(out.resolve("config.json")).get("num_hidden_layers").intValue());
        JsonNode provenance = readJson(out.resolve("manifest.json")).get("provenance");
        assertEquals("manual", provenance.get("strategy").asText());
        assertEquals("[1,2]", provenance.get("removed_layers").get("indices").toString());
        assertEquals(report.get("source_hash"), provenance.get("source").get("hash"));

        Cli.Result info = Cli.run("info", "--model", out.toString(), "--json");
        assertEquals(0, info.exitCode(), info::toString);
        assertEquals(3, info.json().get("layers").intValue());
        assertEquals(STORIES_PARAMETERS - 2 * LAYER_PARAMETERS, info.json().get("parameters").longValue());

        Cli.Result generate = Cli.run("generate", "--model", out.toString(), "--ids", "1", "--steps", "4", "--json");
        assertEquals(0, generate.exitCode(), generate::toString);
        int[] ids = GenerateCommandTest.ids(generate.json().get("ids"));
        assertEquals(4, ids.length);
        for (int id : ids) {
            assertTrue(id >= 0 && id < 512, "id " + id + " outside the vocabulary of 512");
        }
    }

    @Test
    void theSimpleStrategyRemovesTheDeepestLayersBeforeTheLast() {
        Cli.Result result = prune("--strategy", "simple", "--count", "2", "--out", tmp.resolve("simple").toString(),
                "--json");

        assertEquals(0, result.exitCode(), result::toString);
        // L - n - 1 .. L - 2 = 2..3 of layers 0..4
        assertEquals("[2,3]", result.json().get("removed_layers").toString());
        assertEquals("simple", result.json().get("strategy").asText());
    }

    @Test
    void removesTheProbesBestBlockAndRecordsItsMetricAndDistance() throws IOException {
        Path probeFile = probeStories();
        JsonNode probe = readJson(probeFile);
        int best = probe.get("best").get("2").intValue();
        double distance = ProbeCommandTest.row(probe, 2)[best];
        Path out = tmp.resolve("probed");

        Cli.Result result = prune("--probe", probeFile.toString(), "--count", "2", "--out", out.toString(), "--json");

        assertEquals(0, result.exitCode(), result::toString);
        JsonNode report = result.json();
        assertEquals("probe", report.get("strategy").asText());
        assertEquals("[" + best + "," + (best + 1) + "]", report.get("removed_layers").toString());
        assertEquals("angular-last-token", report.get("metric").asText());
        assertEquals(distance, report.get("distance").doubleValue(), 0.0);
        assertEquals(probe.get("model_hash"), report.get("source_hash"), "the probe ran on this checkpoint");
        JsonNode provenance = readJson(out.resolve("manifest.json")).get("provenance");
        assertEquals("probe", provenance.get("strategy").asText());
        assertEquals("angular-last-token", provenance.get("metric").asText());
        assertEquals(distance, provenance.get("distance").doubleValue(), 0.0);
        assertEquals(best, provenance.get("removed_layers").get("start").intValue());
        assertEquals(2, provenance.get("removed_layers").get("count").intValue());
    }

    @Test
    void refusesToRemoveEveryLayer() {
        Path out = tmp.resolve("none-left");

        Cli.Result result = prune("--start", "0", "--count", "5", "--out", out.toString());

        assertFailed(Layerprune.FAILED, result, "cannot remove 5 of 5 layers (n >= L)");
        assertFalse(Files.exists(out), "nothing is written");
    }

    @Test
    void refusesABlockThatRunsPastTheLastLayer() {
        Path out = tmp.resolve("past-the-end");

        Cli.Result result = prune("--start", "4", "--count", "2", "--out", out.toString());

        assertFailed(Layerprune.FAILED, result, "from layer 4", "past the last layer 4 of 5");
        assertFalse(Files.exists(out), "nothing is written");
    }

    @Test
    void leavesAnExistingCheckpointAloneWithoutOverwriteAndReplacesItWithOverwrite() throws IOException {
        Path existing = tmp.resolve("existing");
        Cli.Result first = prune("--start", "1", "--count", "2", "--out", existing.toString());
        assertEquals(0, first.exitCode(), first::toString);
        byte[] manifest = Files.readAllBytes(existing.resolve("manifest.json"));
        Set<String> files = fileNames(existing);

        Cli.Result refused = prune("--strategy", "simple", "--count", "1", "--out", existing.toString());

        assertFailed(Layerprune.FAILED, refused, existing.toString(), "already exists");
        assertEquals(files, fileNames(existing), "the checkpoint is left as it was");
        assertArrayEquals(manifest, Files.readAllBytes(existing.resolve("manifest.json")));

        Cli.Result replaced = prune("--strategy", "simple", "--count", "1", "--out", existing.toString(),
                "--overwrite", "--json");

        assertEquals(0, replaced.exitCode(), replaced::toString);
        assertEquals("[3]", replaced.json().get("removed_layers").toString());
        assertEquals(4, readJson(existing.resolve("config.json")).get("num_hidden_layers").intValue());
        assertEquals("simple", readJson(existing.resolve("manifest.json")).get("provenance").get("strategy").asText());
    }

    @Test
    void overwritesOnlyADirectoryThatLooksLikeACheckpoint() throws IOException {
        Path existing = Files.createDirectory(tmp.resolve("not-a-checkpoint"));
        Path keep = Files.writeString(existing.resolve("keep.txt"), "mine");

        Cli.Result result = prune("--start", "1", "--count", "2", "--out", existing.toString(), "--overwrite");

        assertFailed(Layerprune.FAILED, result, existing.toString(), "does not look like a checkpoint");
        assertEquals(Set.of("keep.txt"), fileNames(existing), "the directory is left as it was");
        assertEquals("mine", Files.readString(keep));
    }

    @Test
    void refusesAProbeOfAModelWithOtherLayers() throws IOException {
        // a probe of the 2-layer tiny Qwen2, on ids within its vocabulary of 64
        Path qwen = TinyCheckpoint.init(tmp, "tiny-qwen2");
        Path data = Files.writeString(tmp.resolve("ids.jsonl"), """
                {"input_ids": [1, 5, 9, 13, 17, 21, 25, 29]}
                {"input_ids": [2, 6, 10, 14, 18, 22, 26, 30]}
                """);
        Path probeDir = tmp.resolve("qwen-probe");
        Cli.Result probed = Cli.run("probe", "--model", qwen.toString(), "--data", data.toString(), "--samples", "2",
                "--out", probeDir.toString());
        assertEquals(0, probed.exitCode(), probed::toString);
        Path probeFile = probeDir.resolve("probe.json");
        Path out = tmp.resolve("mismatched");

        Cli.Result result = prune("--probe", probeFile.toString(), "--count", "1", "--out", out.toString());

        assertFailed(Layerprune.FAILED, result, probeFile.toString(), "probed a model of 2 layers",
                Fixtures.stories260K() + " has 5");
        assertFalse(Files.exists(out), "nothing is written");
    }

    @Test
    void refusesAProbeOfAnotherModelWithTheSameLayerCount() throws IOException {
        Path probeFile = probeStories();
        ObjectNode probe = (ObjectNode) readJson(probeFile);
        String otherHash = "0".repeat(64);
        probe.put("model_hash", otherHash);
        Path otherModelsProbe = tmp.resolve("other-model-probe.json");
        JSON.writeValue(otherModelsProbe.toFile(), probe);
        Path out = tmp.resolve("mismatched");

        Cli.Result result = prune("--probe", otherModelsProbe.toString(), "--count", "2", "--out", out.toString());

        assertFailed(Layerprune.FAILED, result, "is not the hash " + otherHash, "probe this checkpoint");
        assertFalse(Files.exists(out), "nothing is written");
    }

    @Test
    void namesAnUnknownStrategy() {
        Path out = tmp.resolve("nonsense");

        Cli.Result result = prune("--strategy", "nonsense", "--count", "2", "--out", out.toString());

        assertFailed(Layerprune.FAILED, result, "--strategy", "\"nonsense\"", "simple", "--probe");
        assertFalse(Files.exists(out), "nothing is written");
    }

    @Test
    void reportsAStartAndAProbeTogetherAsAUsageError() throws IOException {
        Path probeFile = Files.writeString(tmp.resolve("probe.json"), "{}");
        Path out = tmp.resolve("both");

        Cli.Result result = prune("--start", "1", "--probe", probeFile.toString(), "--count", "2",
                "--out", out.toString());

        assertFailed(USAGE, result, "--start", "--probe", "mutually exclusive");
        assertFalse(Files.exists(out), "nothing is written");
    }

    /** prune of stories260K, with more options. */
    private static Cli.Result prune(String... options) {
        String[] args = new String[options.length + 3];
        args[0] = "prune";
        args[1] = "--model";
        args[2] = Fixtures.stories260K().toString();
        System.arraycopy(options, 0, args, 3, options.length);
        return Cli.run(args);
    }

    /** probe.json of stories260K on 64 calibration sequences, written by the probe command. */
    private Path probeStories() {
        Path dir = tmp.resolve("probe");
        Cli.Result result = Cli.run("probe", "--model", Fixtures.stories260K().toString(),
                "--data", Fixtures.stories260KCalibration().toString(), "--samples", "64", "--out", dir.toString());
        assertEquals(0, result.exitCode(), result::toString);
        return dir.resolve("probe.json");
    }

    private static JsonNode readJson(Path file) throws IOException {
        return JSON.readTree(file.toFile());
    }

    private static List<String> strings(JsonNode array) {
        return Stream.iterate(0, i -> i < array.size(), i -> i + 1).map(i -> array.get(i).asText()).toList();
    }

    private static Set<String> fileNames(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            Set<String> names = new TreeSet<>();
            files.forEach(file -> names.add(file.getFileName().toString()));
            return names;
        }
    }

    /** Exit code {@code exitCode}, nothing on stdout, and every fragment somewhere on stderr. */
    private static void assertFailed(int exitCode, Cli.Result result, String... fragments) {
        assertEquals(exitCode, result.exitCode(), result::toString);
        assertEquals("", result.out(), "stdout stays empty on failure");
        for (String fragment : fragments) {
            assertTrue(result.err().contains(fragment), "stderr should name " + fragment + ":\n" + result.err());
        }
    }
}
