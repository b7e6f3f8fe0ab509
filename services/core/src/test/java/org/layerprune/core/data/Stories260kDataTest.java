package org.layerprune.core.data;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Reads the stories260K token-id fixture in place (never copied into the repository): 256
 * calibration and 64 evaluation lines of 128 ids, each starting with BOS = 1.
 */
class Stories260kDataTest {

    /** From the module directory services/core: the repository's sibling shared/. */
    private static final Path FIXTURE = Path.of("../../../shared/data/stories260K");

    private static final int BOS = 1;

    @BeforeAll
    static void requireFixture() {
        Assumptions.assumeTrue(
                Files.isDirectory(FIXTURE),
                "stories260K fixture not found at " + FIXTURE.toAbsolutePath().normalize()
                        + "; skipping");
    }

    @Test
    void readsEveryCalibrationAndEvaluationSequence() throws IOException {
        List<Sequence> calib = all(JsonlDataset.of(FIXTURE.resolve("calib.jsonl")));
        List<Sequence> eval = all(JsonlDataset.of(FIXTURE.resolve("eval.jsonl")));
        assertEquals(256, calib.size());
        assertEquals(64, eval.size());
        for (Sequence sequence : Stream.concat(calib.stream(), eval.stream()).toList()) {
            assertEquals(128, sequence.ids().length);
            assertEquals(BOS, sequence.ids()[0]);
        }
    }

    @Test
    void samplesTheSameCalibrationLinesThatStreamingReads() throws IOException {
        JsonlDataset calib = JsonlDataset.of(FIXTURE.resolve("calib.jsonl")).withMaxLength(64);
        List<Sequence> sample = calib.sample(32, 1234);
        List<Sequence> streamed = all(calib);
        assertEquals(32, sample.size());
        assertEquals(sample, calib.sample(32, 1234));
        for (Sequence chosen : sample) {
            assertEquals(64, chosen.ids().length);
            assertEquals(streamed.get(chosen.line() - 1), chosen);
        }
        assertEquals(streamed, calib.sample(256, 0));
    }

    @Test
    void batchesTheCalibrationSetWhileStreamingIt() throws IOException {
        JsonlDataset calib = JsonlDataset.of(FIXTURE.resolve("calib.jsonl"));
        try (Stream<List<Sequence>> batches = Batches.of(calib.stream(), 100)) {
            List<Integer> sizes = batches.map(List::size).toList();
            assertEquals(List.of(100, 100, 56), sizes);
        }
    }

    private static List<Sequence> all(JsonlDataset dataset) throws IOException {
        try (Stream<Sequence> sequences = dataset.stream()) {
            return sequences.toList();
        }
    }
}
