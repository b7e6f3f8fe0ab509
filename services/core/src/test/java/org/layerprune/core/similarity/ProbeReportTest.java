package org.layerprune.core.similarity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProbeReportTest {

    @TempDir Path dir;

    @Test
    void writesTheFourFilesIntoANewDirectoryAndNoTemporaries() throws IOException {
        Path out = dir.resolve("runs/7/probe");
        ProbeResult result = SyntheticProbes.paperLike(8);
        List<Path> written = ProbeReport.write(result, out);

        assertEquals(List.of("probe.json", "probe.csv", "heatmap.png", "heatmap.svg"),
                written.stream().map(p -> p.getFileName().toString()).toList());
        assertEquals(List.of("heatmap.png", "heatmap.svg", "probe.csv", "probe.json"), names(out));
        assertEquals(result, ProbeJson.read(out.resolve(ProbeJson.FILE_NAME)));
        assertEquals(ProbeCsv.toCsv(result), Files.readString(out.resolve(ProbeCsv.FILE_NAME)));
    }

    @Test
    void replacesAnEarlierReport() throws IOException {
        ProbeReport.write(SyntheticProbes.paperLike(8), dir);
        ProbeResult second = SyntheticProbes.fiveLayers();
        ProbeReport.write(second, dir);
        assertEquals(second, ProbeJson.read(dir.resolve(ProbeJson.FILE_NAME)));
        assertEquals(4, names(dir).size());
    }

    @Test
    void writesNothingWhenADistanceIsNotFinite() throws IOException {
        double[][] distances = SyntheticProbes.fiveLayers().distances();
        distances[0][0] = Double.NaN;
        ProbeResult result = new ProbeResult("m", 5, 1, 1, distances, "h");
        assertThrows(IllegalArgumentException.class, () -> ProbeReport.write(result, dir.resolve("out")));
        assertFalse(Files.exists(dir.resolve("out")));
    }

    @Test
    void namesTheDirectoryWhenAFileIsInTheWay() throws IOException {
        Path blocked = Files.writeString(dir.resolve("blocked"), "not a directory");
        ProbeFileException e = assertThrows(ProbeFileException.class,
                () -> ProbeReport.write(SyntheticProbes.fiveLayers(), blocked.resolve("report")));
        assertEquals(blocked.resolve("report"), e.file());
        assertTrue(e.getMessage().contains("cannot create the report directory"), e.getMessage());
    }

    /** Every entry, hidden ones included, sorted. */
    private static List<String> names(Path dir) throws IOException {
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
