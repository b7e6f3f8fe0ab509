package org.layerprune.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code layerprune bench probe} on a tiny random checkpoint: what it reports, not how fast it is. */
class BenchProbeCommandTest {

    @Test
    void reportsTheShapeAndPositiveProbeAndForwardRatesAsJson(@TempDir Path tmp) throws IOException {
        Path model = TinyCheckpoint.init(tmp, "tiny-qwen2");

        Cli.Result result = Cli.run("bench", "probe", "--model", model.toString(),
                "--batch", "1", "--seq", "8", "--iterations", "1", "--warmup", "0", "--json");

        assertEquals(0, result.exitCode(), result::toString);
        JsonNode bench = result.json();
        assertEquals(1, bench.get("batch").intValue());
        assertEquals(8, bench.get("seq").intValue());
        for (String rate : new String[] {"probe_tokens_per_second", "forward_tokens_per_second", "ratio"}) {
            assertTrue(bench.get(rate).isNumber() && bench.get(rate).doubleValue() > 0, rate + " = " + bench.get(rate));
        }
        double ratio = bench.get("probe_tokens_per_second").doubleValue()
                / bench.get("forward_tokens_per_second").doubleValue();
        assertEquals(ratio, bench.get("ratio").doubleValue(), 1e-9 * ratio, "ratio is probe over forward tokens/s");
    }
}
