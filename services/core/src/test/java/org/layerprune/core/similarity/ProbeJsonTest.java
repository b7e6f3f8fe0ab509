package org.layerprune.core.similarity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Consumer;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProbeJsonTest {

    /** A generic reader, as another tool would use: no knowledge of ProbeResult. */
    private static final ObjectMapper GENERIC = new ObjectMapper();

    @TempDir Path dir;

    @Test
    void roundTripsEveryDistanceBitForBit() {
        double[] awkward = {0.1 + 0.2, 1.0 / 3, Math.PI, Math.ulp(1.0), Double.MIN_VALUE, Double.MIN_NORMAL,
            Double.MAX_VALUE, -0.0, 0.0, 1e-300, 123456789.123456789, Math.nextDown(1.0), 2.5e-7};
        Random random = new Random(7);
        int layers = 9;
        double[][] distances = new double[layers - 1][];
        int i = 0;
        for (int n = 1; n < layers; n++) {
            distances[n - 1] = new double[layers - n + 1];
            for (int l = 0; l <= layers - n; l++, i++) {
                distances[n - 1][l] = i < awkward.length ? awkward[i] : random.nextDouble() * Math.pow(10,
                        random.nextInt(20) - 10);
            }
        }
        ProbeResult result = new ProbeResult("angular-last-token", layers, 12, 3456, distances, "cafe");
        Path file = dir.resolve(ProbeJson.FILE_NAME);
        ProbeJson.write(result, file);
        ProbeResult read = ProbeJson.read(file);
        assertEquals(result, read); // Arrays.deepEquals: Double.equals compares bits, -0.0 != 0.0
        for (int n = 1; n < layers; n++) {
            for (int l = 0; l <= layers - n; l++) {
                assertEquals(Double.doubleToRawLongBits(result.distance(n, l)),
                        Double.doubleToRawLongBits(read.distance(n, l)), "n = " + n + ", l = " + l);
            }
        }
    }

    @Test
    void writesTheContractShapeThatAGenericReaderSees() throws IOException {
        ProbeResult result = SyntheticProbes.fiveLayers();
        Map<?, ?> json = GENERIC.readValue(ProbeJson.toJson(result), Map.class);

        assertEquals(List.of("metric", "layers", "samples", "tokens", "distances", "best", "model_hash"),
                List.copyOf(json.keySet()));
        assertEquals("angular-last-token", json.get("metric"));
        assertEquals(5, json.get("layers"));
        assertEquals(8, json.get("samples"));
        assertEquals(1000, json.get("tokens"));
        assertEquals("abc123", json.get("model_hash"));

        Map<?, ?> distances = (Map<?, ?>) json.get("distances");
        assertEquals(List.of("1", "2", "3", "4"), List.copyOf(distances.keySet()));
        assertEquals(List.of(0.41, 0.22, 0.13, 0.17, 0.52), distances.get("1"));
        assertEquals(List.of(4, 3, 2), List.of(((List<?>) distances.get("2")).size(),
                ((List<?>) distances.get("3")).size(), ((List<?>) distances.get("4")).size()));
        assertEquals(Map.of("1", 2, "2", 2, "3", 1, "4", 0), json.get("best"));
        assertEquals(List.of("1", "2", "3", "4"), List.copyOf(((Map<?, ?>) json.get("best")).keySet()));
    }

    @Test
    void ordersBlockSizesNumericallyNotAsStrings() throws IOException {
        Map<?, ?> json = GENERIC.readValue(ProbeJson.toJson(SyntheticProbes.paperLike(12)), Map.class);
        List<String> sizes = IntStream.range(1, 12).mapToObj(Integer::toString).toList();
        assertEquals(sizes, List.copyOf(((Map<?, ?>) json.get("distances")).keySet()));
        assertEquals(sizes, List.copyOf(((Map<?, ?>) json.get("best")).keySet()));
        for (int n = 1; n < 12; n++) {
            assertEquals(12 - n + 1, ((List<?>) ((Map<?, ?>) json.get("distances")).get(Integer.toString(n))).size());
        }
    }

    @Test
    void readsBlockSizesInAnyOrderAsPythonSortKeysWritesThem() throws IOException {
        ProbeResult result = SyntheticProbes.paperLike(12);
        ObjectNode root = tree(result);
        for (String key : List.of("distances", "best")) {
            ObjectNode sorted = GENERIC.createObjectNode();
            List<String> names = new ArrayList<>();
            root.get(key).fieldNames().forEachRemaining(names::add);
            names.stream().sorted().forEach(name -> sorted.set(name, root.get(key).get(name))); // "1", "10", "11", "2"
            root.set(key, sorted);
        }
        assertEquals(result, ProbeJson.read(write(root)));
    }

    @Test
    void ignoresFieldsOutsideTheContract() throws IOException {
        ObjectNode root = tree(SyntheticProbes.fiveLayers());
        root.put("created_by", "probe-service 0.2");
        assertEquals(SyntheticProbes.fiveLayers(), ProbeJson.read(write(root)));
    }

    @Test
    void namesTheFileAndTheMissingField() throws IOException {
        assertRejected(root -> root.remove("model_hash"), "model_hash", "missing");
        assertRejected(root -> root.remove("layers"), "layers", "missing");
        assertRejected(root -> root.remove("best"), "best", "missing");
        assertRejected(root -> ((ObjectNode) root.get("distances")).remove("3"), "distances.3", "missing");
        assertRejected(root -> ((ObjectNode) root.get("best")).remove("4"), "best.4", "missing");
    }

    @Test
    void namesTheRowOfTheWrongLength() throws IOException {
        assertRejected(root -> ((ArrayNode) root.get("distances").get("2")).add(0.9), "distances.2",
                "has 5 distances; a block of this size has 4 starts");
        assertRejected(root -> ((ArrayNode) root.get("distances").get("1")).remove(0), "distances.1",
                "has 4 distances");
    }

    @Test
    void namesTheCellThatIsNotANumber() throws IOException {
        assertRejected(root -> ((ArrayNode) root.get("distances").get("3")).set(1, "0.44"), "distances.3[1]",
                "expected a finite number, got \"0.44\"");
        assertRejected(root -> ((ArrayNode) root.get("distances").get("2")).set(0, "NaN"), "distances.2[0]",
                "expected a finite number");
        assertRejected(root -> ((ArrayNode) root.get("distances").get("1")).setNull(4), "distances.1[4]",
                "got null");
        assertRejected(root -> root.set("distances", GENERIC.createArrayNode()), "distances", "expected an object");
        assertRejected(root -> root.put("layers", "5"), "layers", "expected an integer");
        assertRejected(root -> root.put("samples", 8.5), "samples", "expected an integer");
        assertRejected(root -> root.put("metric", 3), "metric", "expected a string");
    }

    @Test
    void rejectsBestThatDisagreesWithTheDistances() throws IOException {
        assertRejected(root -> ((ObjectNode) root.get("best")).put("2", 1), "best.2",
                "says l* = 1 but the smallest distance of distances.2 is at l = 2");
        // a tie goes to the smallest start, so the other end of the tie is wrong too
        assertRejected(root -> ((ObjectNode) root.get("best")).put("4", 1), "best.4", "is at l = 0");
        assertRejected(root -> ((ObjectNode) root.get("best")).put("1", "2"), "best.1", "expected an integer");
    }

    @Test
    void rejectsALayerCountThatDisagreesWithTheRows() throws IOException {
        assertRejected(root -> root.put("layers", 6), "distances.5", "missing; layers = 6 needs block sizes 1..5");
        assertRejected(root -> root.put("layers", 4), "distances.4", "not a block size of a 4-layer model");
        assertRejected(root -> root.put("layers", 1), "layers", "expected an integer in [2, ");
    }

    @Test
    void rejectsKeysThatAreNotBlockSizes() throws IOException {
        for (String key : List.of("0", "5", "01", "+1", "one")) {
            assertRejected(root -> ((ObjectNode) root.get("distances")).put(key, 1.0), "distances." + key,
                    "not a block size of a 5-layer model; expected \"1\"..\"4\"");
        }
    }

    @Test
    void namesTheFileWhenItIsNotJsonAtAll() throws IOException {
        Path file = Files.writeString(dir.resolve("truncated.json"), "{\"metric\": \"angular");
        ProbeFileException e = assertThrows(ProbeFileException.class, () -> ProbeJson.read(file));
        assertEquals(file, e.file());
        assertNull(e.field());
        assertTrue(e.getMessage().startsWith(file + ": not well-formed JSON"), e.getMessage());

        Path duplicate = Files.writeString(dir.resolve("duplicate.json"), "{\"layers\": 5, \"layers\": 6}");
        assertTrue(assertThrows(ProbeFileException.class, () -> ProbeJson.read(duplicate)).getMessage()
                .contains("Duplicate field 'layers'"));

        Path missing = dir.resolve("missing.json");
        assertEquals(missing, assertThrows(ProbeFileException.class, () -> ProbeJson.read(missing)).file());
    }

    @Test
    void refusesToWriteADistanceThatJsonCannotHold() {
        double[][] distances = SyntheticProbes.fiveLayers().distances();
        distances[2][1] = Double.NaN;
        ProbeResult result = new ProbeResult("angular-last-token", 5, 8, 1000, distances, "abc123");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ProbeJson.toJson(result));
        assertTrue(e.getMessage().startsWith("distances.3[1] is NaN"), e.getMessage());
    }

    /** Writes the five-layer result, breaks one thing, and expects the reader to name the file and the field. */
    private void assertRejected(Consumer<ObjectNode> breakIt, String field, String problem) throws IOException {
        ObjectNode root = tree(SyntheticProbes.fiveLayers());
        breakIt.accept(root);
        Path file = write(root);
        ProbeFileException e = assertThrows(ProbeFileException.class, () -> ProbeJson.read(file));
        assertEquals(file, e.file());
        assertEquals(field, e.field(), e.getMessage());
        assertTrue(e.getMessage().startsWith(file + ": " + field + ": "), e.getMessage());
        assertTrue(e.getMessage().contains(problem), e.getMessage());
    }

    private static ObjectNode tree(ProbeResult result) throws IOException {
        return (ObjectNode) GENERIC.readTree(ProbeJson.toJson(result));
    }

    private Path write(ObjectNode root) throws IOException {
        return Files.writeString(Files.createTempFile(dir, "probe", ".json"), GENERIC.writeValueAsString(root));
    }
}
