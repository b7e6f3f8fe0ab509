package org.layerprune.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code layerprune bench heal} on a tiny random checkpoint: what it reports, not how fast it is. */
class BenchHealCommandTest {

    private static final String[] BREAKDOWN = {"forward_seconds", "dequantize_seconds", "dropout_masks_seconds",
        "loss_seconds", "backward_seconds", "optimizer_seconds", "inference_forward_seconds"};

    @Test
    void reportsTrainingAndMatmulRatesTheirRatioAndTheBreakdownAsJson(@TempDir Path tmp) throws IOException {
        Path model = TinyCheckpoint.init(tmp, "tiny-qwen2");

        Cli.Result result = Cli.run("bench", "heal", "--model", model.toString(), "--batch", "2", "--seq", "8",
                "--micro-batch", "1", "--rank", "4", "--iterations", "1", "--warmup", "0", "--json");

        assertEquals(0, result.exitCode(), result::toString);
        JsonNode bench = result.json();
        assertEquals(2, bench.get("batch").intValue());
        assertEquals(8, bench.get("seq").intValue());
        assertEquals(1, bench.get("micro_batch").intValue());
        assertEquals(4, bench.get("rank").intValue());
        assertEquals("[\"gate_proj\",\"up_proj\",\"down_proj\"]", bench.get("targets").toString());
        assertEquals("nf4", bench.get("quant").textValue());
        for (String rate : new String[] {"tokens_per_second", "train_gflops", "matmul_gflops", "ratio"}) {
            assertTrue(bench.get(rate).isNumber() && bench.get(rate).doubleValue() > 0, rate + " = " + bench.get(rate));
        }
        double ratio = bench.get("train_gflops").doubleValue() / bench.get("matmul_gflops").doubleValue();
        assertEquals(ratio, bench.get("ratio").doubleValue(), 1e-9 * ratio, "ratio is train over matmul GFLOP/s");
        // H 32, I 64, 2 layers, Q 32, K 16, V 64; r 4 on the MLP; 16 tokens. Multiply-adds per token: forward
        // 2 * (9216 + 512 + 1152) + 2048 = 23808, backward 2 * (9216 + 1024 + 2304) + 2048 = 27136.
        assertEquals(2 * 16 * (23808 + 27136) / 1e9, bench.get("step_gflop").doubleValue(), 1e-15);
        assertEquals("[16,32,64]", bench.get("matmul_shape").toString());
        JsonNode breakdown = bench.get("breakdown");
        for (String piece : BREAKDOWN) {
            assertTrue(breakdown.get(piece).isNumber() && breakdown.get(piece).doubleValue() >= 0,
                    piece + " = " + breakdown.get(piece));
        }
        assertTrue(result.err().contains("round 1"), "progress goes to stderr: " + result.err());
    }

    @Test
    void spendsNothingOnDequantisationWithAFullPrecisionBase(@TempDir Path tmp) throws IOException {
        Path model = TinyCheckpoint.init(tmp, "tiny-qwen2");

        Cli.Result result = Cli.run("bench", "heal", "--model", model.toString(), "--batch", "1", "--seq", "8",
                "--quant", "none", "--targets", "q_proj,down_proj", "--iterations", "1", "--warmup", "0", "--json");

        assertEquals(0, result.exitCode(), result::toString);
        JsonNode bench = result.json();
        assertEquals("none", bench.get("quant").textValue());
        assertEquals("[\"q_proj\",\"down_proj\"]", bench.get("targets").toString());
        assertEquals(0.0, bench.get("breakdown").get("dequantize_seconds").doubleValue());
    }
}
