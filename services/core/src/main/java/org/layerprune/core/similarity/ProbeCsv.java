package org.layerprune.core.similarity;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A {@link ProbeResult} as one CSV row per block, for spreadsheets and data frames:
 *
 * <pre>
 * block_start,block_end,block_size,distance
 * 0,1,1,0.3141592653589793
 * </pre>
 *
 * <p>A block is the layers {@code block_start <= k < block_end} (end exclusive, like a Python slice), so
 * {@code block_size = block_end - block_start}. Rows go by block size n, then by start l; a model with L layers
 * has (L - 1) + ... + 2 rows, i.e. (L - 1)(L + 2) / 2. Distances are written with {@link Double#toString}, which reads
 * back to the same bits.
 */
public final class ProbeCsv {

    /** The report's name for this file. */
    public static final String FILE_NAME = "probe.csv";

    /** The first line. */
    public static final String HEADER = "block_start,block_end,block_size,distance";

    private ProbeCsv() {
    }

    /** The CSV text: header, then one line per (n, l), each ending with {@code \n}. */
    public static String toCsv(ProbeResult result) {
        StringBuilder csv = new StringBuilder(HEADER).append('\n');
        for (int n = 1; n < result.layers(); n++) {
            double[] row = result.row(n); // [L - n + 1], one per start l
            for (int l = 0; l < row.length; l++) {
                csv.append(l).append(',').append(l + n).append(',').append(n).append(',')
                        .append(Double.toString(row[l])).append('\n');
            }
        }
        return csv.toString();
    }

    /**
     * Writes {@link #toCsv} to {@code file} as UTF-8, replacing it. Not atomic; {@link ProbeReport} is.
     *
     * @throws ProbeFileException naming the file when it cannot be written
     */
    public static void write(ProbeResult result, Path file) {
        try {
            Files.writeString(file, toCsv(result), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ProbeFileException(file, null, "cannot write: " + e, e);
        }
    }
}
