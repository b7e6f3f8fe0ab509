package org.layerprune.core.similarity;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProbeCsvTest {

    @TempDir Path dir;

    @Test
    void writesOneRowPerBlockOrderedBySizeThenStart() throws IOException {
        Path file = dir.resolve(ProbeCsv.FILE_NAME);
        ProbeCsv.write(SyntheticProbes.fiveLayers(), file);
        List<String> lines = Files.readAllLines(file);

        assertEquals("block_start,block_end,block_size,distance", lines.get(0));
        // n = 1..4 has 5 + 4 + 3 + 2 starts: (L - 1)(L + 2) / 2 = 14 blocks
        assertEquals(List.of(
                "0,1,1,0.41", "1,2,1,0.22", "2,3,1,0.13", "3,4,1,0.17", "4,5,1,0.52",
                "0,2,2,0.5", "1,3,2,0.31", "2,4,2,0.29", "3,5,2,0.6",
                "0,3,3,0.58", "1,4,3,0.44", "2,5,3,0.66",
                "0,4,4,0.7", "1,5,4,0.7"), lines.subList(1, lines.size()));
    }

    @Test
    void everyRowHasFourColumnsAndEndMinusStartIsTheSize() {
        ProbeResult result = SyntheticProbes.paperLike(32);
        List<String> rows = ProbeCsv.toCsv(result).lines().skip(1).toList();
        assertEquals(31 * 34 / 2, rows.size());
        for (String row : rows) {
            String[] cells = row.split(",", -1);
            assertEquals(4, cells.length, row);
            int start = Integer.parseInt(cells[0]);
            int end = Integer.parseInt(cells[1]);
            int size = Integer.parseInt(cells[2]);
            assertEquals(size, end - start, row);
            assertEquals(result.distance(size, start), Double.parseDouble(cells[3]), 0.0, row); // full precision
        }
    }

    @Test
    void writesDistancesThatReadBackBitForBit() {
        ProbeResult result = new ProbeResult("cosine", 2, 1, 1, new double[][] {{0.1 + 0.2, 1e-17}}, "h");
        assertEquals("""
                block_start,block_end,block_size,distance
                0,1,1,0.30000000000000004
                1,2,1,1.0E-17
                """, ProbeCsv.toCsv(result));
    }
}
