package org.layerprune.core.similarity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.layerprune.core.data.JsonlDataset;
import org.layerprune.core.data.Sequence;
import org.layerprune.core.model.LlamaModel;
import org.layerprune.core.testing.Fixtures;
import org.layerprune.core.testing.PythonReference;

/**
 * Probing stories260K against the independent float64 implementation (reference/probe_reference.py):
 * every (n, l) of every metric, and l*(n) for every n.
 */
class ProbeReferenceTest {

    private static LlamaModel model;
    private static Path calib;

    @BeforeAll
    static void load() {
        calib = Fixtures.require("data/stories260K/calib.jsonl");
        model = LlamaModel.load(Fixtures.stories260K(), Device.cpu());
    }

    @AfterAll
    static void close() {
        if (model != null) {
            model.close();
        }
    }

    @Test
    void pairMetricsOnTheFirst64CalibrationSequencesMatchTheFloat64Reference(@TempDir Path tmp) throws Exception {
        List<int[]> sequences = firstSequences(calib, 64);
        JsonNode ref = reference(calib, 64, false, tmp);
        for (PairMetric metric : PairMetric.values()) {
            ProbeResult ours = Probe.run(model, sequences, 8, metric, "hash", ProbeProgress.NONE);
            assertMatches(metric.metricName(), ours, ref.get(metric.metricName()), 1e-5);
        }
    }

    @Test
    void paddedBatchesOfMixedLengthsScoreTheLastRealToken(@TempDir Path tmp) throws Exception {
        // Prefixes of 7 to 128 tokens, so every batch is padded and each row ends somewhere else.
        List<int[]> full = firstSequences(calib, 24);
        List<int[]> mixed = new ArrayList<>();
        for (int i = 0; i < full.size(); i++) {
            mixed.add(Arrays.copyOf(full.get(i), 7 + (i * 37) % 122));
        }
        Path data = tmp.resolve("mixed.jsonl");
        Files.write(data, mixed.stream().map(ids -> "{\"input_ids\": " + Arrays.toString(ids) + "}").toList());
        JsonNode ref = reference(data, mixed.size(), false, tmp);
        for (PairMetric metric : PairMetric.values()) {
            ProbeResult ours = Probe.run(model, mixed, 5, metric, "hash", ProbeProgress.NONE);
            assertMatches(metric.metricName() + " (padded)", ours, ref.get(metric.metricName()), 1e-5);
        }
    }

    @Test
    void removalLossMatchesTheReferenceWithLayersSkipped(@TempDir Path tmp) throws Exception {
        List<int[]> sequences = firstSequences(calib, 8);
        JsonNode ref = reference(calib, 8, true, tmp).get("loss");
        ProbeResult ours = Probe.run(model, sequences, 4, RemovalLoss.INSTANCE, "hash", ProbeProgress.NONE);
        assertMatches("loss", ours, ref, 1e-5);
    }

    /** Agreement within {@code tolerance} * max(|reference|, 1) for every (n, l), and identical l*(n). */
    private static void assertMatches(String what, ProbeResult ours, JsonNode ref, double tolerance) {
        int layers = model.config().numHiddenLayers();
        assertEquals(layers, ours.layers());
        for (int n = 1; n < layers; n++) {
            JsonNode row = ref.get("distances").get(Integer.toString(n));
            assertEquals(layers - n + 1, row.size());
            for (int l = 0; l <= layers - n; l++) {
                double expected = row.get(l).asDouble();
                double error = Math.abs(ours.distance(n, l) - expected) / Math.max(1, Math.abs(expected));
                assertTrue(error <= tolerance, what + " n=" + n + " l=" + l + ": " + ours.distance(n, l)
                        + " vs reference " + expected);
            }
            assertEquals(ref.get("best").get(Integer.toString(n)).asInt(), ours.best(n), what + ": l*(" + n + ")");
        }
    }

    private static JsonNode reference(Path data, int samples, boolean loss, Path tmp) throws Exception {
        List<String> args = new ArrayList<>(List.of("--model", Fixtures.stories260K().toString(), "--data",
                data.toString(), "--samples", Integer.toString(samples)));
        if (loss) {
            args.add("--loss");
        }
        return PythonReference.runScript("probe_reference.py", args, tmp);
    }

    private static List<int[]> firstSequences(Path file, int count) throws Exception {
        try (Stream<Sequence> lines = JsonlDataset.of(file).withLimit(count).stream()) {
            return lines.map(Sequence::ids).collect(Collectors.toList());
        }
    }
}
