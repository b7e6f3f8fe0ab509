package org.layerprune.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code layerprune bench forward} on a tiny random checkpoint: what it reports, not how fast it is. */
class BenchForwardCommandTest {

    @Test
    void reportsTheShapeAndPositiveRatesAsJson(@TempDir Path tmp) throws IOException {
        Path model = TinyCheckpoint.init(tmp, "tiny-qwen2");

        Cli.Result result = Cli.run("bench", "forward", "--model", model.toString(),
                "--batch", "1", "--seq", "8", "--iterations", "1", "--warmup", "0", "--json");

        assertEquals(0, result.exitCode(), result::toString);
        JsonNode bench = result.json();
        assertEquals(1, bench.get("batch").intValue());
        assertEquals(8, bench.get("seq").intValue());
        for (String rate : new String[] {"tokens_per_second", "forward_gflops", "matmul_gflops", "ratio"}) {
            assertTrue(bench.get(rate).isNumber() && bench.get(rate).doubleValue() > 0, rate + " = " + bench.get(rate));
        }
        // the baseline product has the MLP's shape: [B*S, H] x [H, I]
        assertEquals("[8,32,64]", bench.get("matmul_shape").toString());
        assertTrue(result.err().contains("round 1"), "progress goes to stderr: " + result.err());
    }
}
