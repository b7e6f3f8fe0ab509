package org.layerprune.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code layerprune probe} on the stories260K checkpoint (L = 5) and 64 of its 256 calibration sequences of 128 ids:
 * 64 * 128 = 8,192 tokens, block sizes n = 1..4 with L - n + 1 = 5, 4, 3, 2 starts each.
 */
class ProbeCommandTest {

    private static final int LAYERS = 5;
    private static final int SAMPLES = 64;
    private static final int TOKENS = SAMPLES * 128;

    /** Block sizes n = 1..L-1 with L - n + 1 starts each: 5 + 4 + 3 + 2 rows of the CSV. */
    private static final int BLOCKS = 5 + 4 + 3 + 2;

    private static final Set<String> CONTRACT_KEYS =
            Set.of("metric", "layers", "samples", "tokens", "distances", "best", "model_hash");

    @TempDir
    Path tmp;

    @Test
    void printsTheProbeContractWithBestAsTheFirstSmallestDistanceAsJson() {
        Cli.Result result = probe("--json");

        assertEquals(0, result.exitCode(), result::toString);
        JsonNode probe = result.json();
        assertEquals(CONTRACT_KEYS, fieldNames(probe));
        assertEquals("angular-last-token", probe.get("metric").asText());
        assertEquals(LAYERS, probe.get("layers").intValue());
        assertEquals(SAMPLES, probe.get("samples").intValue());
        assertEquals(TOKENS, probe.get("tokens").longValue());
        assertTrue(probe.get("model_hash").asText().matches("[0-9a-f]{64}"), probe.get("model_hash").toString());
        assertEquals(Set.of("1", "2", "3", "4"), fieldNames(probe.get("distances")));
        assertEquals(Set.of("1", "2", "3", "4"), fieldNames(probe.get("best")));
        for (int n = 1; n < LAYERS; n++) {
            double[] row = row(probe, n);
            assertEquals(LAYERS - n + 1, row.length, "starts of n = " + n);
            for (double d : row) {
                // the angular distance arccos(cos) / pi of two states lies in [0, 1]
                assertTrue(d >= 0 && d <= 1, "distances." + n + " has " + d);
            }
            assertEquals(firstArgmin(row), probe.get("best").get(Integer.toString(n)).intValue(), "best." + n);
        }
        assertTrue(result.err().contains("probe"), "progress goes to stderr: " + result.err());
    }

    @Test
    void theSameSeedGivesTheSameOutputAndAnotherSeedOtherDistances() {
        Cli.Result first = probe("--json", "--seed", "7");
        Cli.Result again = probe("--json", "--seed", "7");
        Cli.Result other = probe("--json", "--seed", "8");

        assertEquals(0, first.exitCode(), first::toString);
        assertEquals(first.out(), again.out());
        assertEquals(0, other.exitCode(), other::toString);
        assertEquals(first.json().get("model_hash"), other.json().get("model_hash"));
        assertNotEquals(first.json().get("distances"), other.json().get("distances"),
                "another seed samples other sequences");
    }

    @Test
    void writesTheJsonItPrintsTheCsvAndBothHeatMapsIntoOut() throws IOException {
        Path out = tmp.resolve("report");

        Cli.Result result = probe("--json", "--out", out.toString());

        assertEquals(0, result.exitCode(), result::toString);
        assertEquals(Set.of("probe.json", "probe.csv", "heatmap.png", "heatmap.svg"), fileNames(out),
                "and no temporary file left behind");
        assertEquals(Files.readString(out.resolve("probe.json")), result.out(), "stdout is probe.json, byte for byte");

        List<String> csv = Files.readAllLines(out.resolve("probe.csv"));
        assertEquals("block_start,block_end,block_size,distance", csv.get(0));
        assertEquals(BLOCKS, csv.size() - 1, "one row per (n, l)");
        JsonNode probe = result.json();
        for (String line : csv.subList(1, csv.size())) {
            // block_start,block_end,block_size,distance: the same distance as the JSON's, to the bit
            String[] cells = line.split(",");
            int l = Integer.parseInt(cells[0]);
            int n = Integer.parseInt(cells[2]);
            assertEquals(l + n, Integer.parseInt(cells[1]), line);
            assertEquals(row(probe, n)[l], Double.parseDouble(cells[3]), 0.0, line);
        }

        BufferedImage png = ImageIO.read(out.resolve("heatmap.png").toFile());
        assertNotNull(png, "heatmap.png is a PNG ImageIO reads");
        assertTrue(png.getWidth() > 0 && png.getHeight() > 0);
        String svg = Files.readString(out.resolve("heatmap.svg"));
        assertTrue(svg.contains("<svg") && svg.strip().endsWith("</svg>"), svg);
        assertTrue(result.err().contains("wrote " + out), result.err());
    }

    @Test
    void printsOneTableRowPerBlockSizeWithoutJson() {
        JsonNode probe = probe("--json").json();

        Cli.Result result = probe();

        assertEquals(0, result.exitCode(), result::toString);
        List<String> lines = result.out().lines().toList();
        assertEquals(2 + (LAYERS - 1), lines.size(), result::toString);
        assertEquals("angular-last-token over 64 sequences (8192 tokens), L = 5", lines.get(0));
        assertTrue(lines.get(1).matches("n +l\\*\\(n\\) +score +layers removed"), lines.get(1));
        for (int n = 1; n < LAYERS; n++) {
            // "n  l*(n)  score  first..last"
            String[] cells = lines.get(n + 1).trim().split(" +");
            int best = probe.get("best").get(Integer.toString(n)).intValue();
            assertEquals(4, cells.length, lines.get(n + 1));
            assertEquals(Integer.toString(n), cells[0]);
            assertEquals(Integer.toString(best), cells[1]);
            assertEquals(row(probe, n)[best], Double.parseDouble(cells[2]), 5e-7, lines.get(n + 1));
            assertEquals(best + ".." + (best + n - 1), cells[3]);
        }
    }

    @Test
    void reportsTheMetricItWasAskedFor() {
        Cli.Result result = probe("--json", "--metric", "block-influence");

        assertEquals(0, result.exitCode(), result::toString);
        JsonNode probe = result.json();
        assertEquals("block-influence", probe.get("metric").asText());
        assertEquals(LAYERS, probe.get("layers").intValue());
        assertNotEquals(probe("--json").json().get("distances"), probe.get("distances"),
                "another metric scores the blocks differently");
    }

    @Test
    void namesAnUnknownMetricAndTheKnownOnes() {
        Cli.Result result = probe("--json", "--metric", "nope");

        assertFailed(result, "unknown metric \"nope\"", "angular-last-token", "angular-all-tokens", "block-influence",
                "relative-magnitude", "l2-last-token", "loss");
    }

    @Test
    void refusesToSampleMoreSequencesThanTheDataHolds() {
        Path data = Fixtures.stories260KCalibration();

        Cli.Result result = Cli.run("probe", "--model", Fixtures.stories260K().toString(), "--data", data.toString(),
                "--samples", "1000", "--json");

        assertFailed(result, data.toString(), "cannot sample 1000 sequences, there are 256");
    }

    @Test
    void namesTheFileAndLineOfTextThatNeedsATokenizerTheModelLacks() throws IOException {
        // stories260K ships no tokenizer.json, so text cannot become ids
        Path text = Files.writeString(tmp.resolve("text.jsonl"), """
                {"text": "Once upon a time"}
                {"text": "there was a little girl"}
                """);

        Cli.Result result = Cli.run("probe", "--model", Fixtures.stories260K().toString(), "--data", text.toString(),
                "--samples", "1", "--json");

        assertFailed(result, text + ":1:", "tokenizer.json");
    }

    /** probe of stories260K on 64 calibration sequences, with more options. */
    private static Cli.Result probe(String... options) {
        List<String> args = new ArrayList<>(List.of("probe", "--model", Fixtures.stories260K().toString(),
                "--data", Fixtures.stories260KCalibration().toString(), "--samples", Integer.toString(SAMPLES)));
        args.addAll(List.of(options));
        return Cli.run(args.toArray(String[]::new));
    }

    static double[] row(JsonNode probe, int n) {
        JsonNode row = probe.get("distances").get(Integer.toString(n));
        double[] values = new double[row.size()];
        for (int l = 0; l < values.length; l++) {
            assertTrue(row.get(l).isNumber(), row.get(l)::toString);
            values[l] = row.get(l).doubleValue();
        }
        return values;
    }

    private static int firstArgmin(double[] row) {
        int best = 0;
        for (int l = 1; l < row.length; l++) {
            if (row[l] < row[best]) {
                best = l;
            }
        }
        return best;
    }

    private static Set<String> fieldNames(JsonNode node) {
        Set<String> names = new TreeSet<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    private static Set<String> fileNames(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            Set<String> names = new TreeSet<>();
            files.forEach(file -> names.add(file.getFileName().toString()));
            return names;
        }
    }

    /** Exit code 1, nothing on stdout, and every fragment somewhere on stderr. */
    private static void assertFailed(Cli.Result result, String... fragments) {
        assertEquals(Layerprune.FAILED, result.exitCode(), result::toString);
        assertEquals("", result.out(), "stdout stays empty on failure");
        for (String fragment : fragments) {
            assertTrue(result.err().contains(fragment), "stderr should name " + fragment + ":\n" + result.err());
        }
    }
}
