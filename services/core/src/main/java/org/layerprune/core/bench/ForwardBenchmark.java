package org.layerprune.core.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import org.layerprune.core.model.LlamaConfig;
import org.layerprune.core.model.LlamaModel;
import org.layerprune.core.model.TokenBatch;

/**
 * Times the full forward pass (logits for every position) on random ids and, in the same run, a plain
 * float32 matrix product of the MLP's shape ([B*S, H] x [H, I]) on the same engine and device. The ratio
 * of the two rates says how much of the engine's matmul speed the model keeps; it is robust to the noise
 * of a shared machine in a way a lone GFLOP/s figure is not. Runs alternate (forward, matmul, forward,
 * ...) so that a slow patch of the machine hits both.
 */
public final class ForwardBenchmark {

    /**
     * @param batch      B
     * @param seq        S
     * @param warmup     untimed rounds first
     * @param iterations timed rounds
     */
    public record Settings(int batch, int seq, int warmup, int iterations, long seed) {
        public Settings {
            if (batch < 1 || seq < 1 || warmup < 0 || iterations < 1) {
                throw new IllegalArgumentException("batch, seq and iterations must be >= 1 and warmup >= 0");
            }
        }
    }

    /**
     * Medians over the timed rounds.
     *
     * @param forwardSeconds   one forward pass
     * @param forwardFlops     FLOPs of one forward pass ({@link FlopCount#forward})
     * @param matmulSeconds    one baseline product
     * @param matmulFlops      FLOPs of one baseline product
     */
    public record Result(int batch, int seq, long tokens, double forwardSeconds, double forwardFlops,
            double matmulSeconds, double matmulFlops, long[] matmulShape) {

        public double tokensPerSecond() {
            return tokens / forwardSeconds;
        }

        public double forwardGflops() {
            return forwardFlops / forwardSeconds / 1e9;
        }

        public double matmulGflops() {
            return matmulFlops / matmulSeconds / 1e9;
        }

        /** Forward rate over matmul rate, both measured in this run. */
        public double ratio() {
            return forwardGflops() / matmulGflops();
        }
    }

    private ForwardBenchmark() {
    }

    /** @param progress told after each round, e.g. "forward 2/3: 1.84 s" */
    public static Result run(LlamaModel model, Settings settings, Consumer<String> progress) {
        LlamaConfig c = model.config();
        TokenBatch batch = TokenBatch.of(randomRows(c.vocabSize(), settings.batch(), settings.seq(), settings.seed()));
        double flops = FlopCount.forward(c, settings.batch(), settings.seq());
        List<Double> forward = new ArrayList<>();
        List<Double> matmul = new ArrayList<>();
        try (MatmulBaseline baseline = new MatmulBaseline(model, settings.batch(), settings.seq())) {
            // As many products per round as make up one forward pass's FLOPs: comparable durations.
            int repeats = baseline.repeatsFor(flops);
            for (int round = 0; round < settings.warmup() + settings.iterations(); round++) {
                boolean timed = round >= settings.warmup();
                double f = timeForward(model, batch);
                double p = baseline.secondsPerProduct(repeats);
                if (timed) {
                    forward.add(f);
                    matmul.add(p);
                }
                progress.accept(String.format("%s %d: forward %.3f s, matmul %.4f s",
                        timed ? "round" : "warmup", round + 1, f, p));
            }
            return new Result(settings.batch(), settings.seq(), (long) settings.batch() * settings.seq(),
                    median(forward), flops, median(matmul), baseline.flops(), baseline.shape());
        }
    }

    /** {@code batch} rows of {@code seq} ids drawn uniformly from the vocabulary with {@code seed}. */
    static List<int[]> randomRows(int vocab, int batch, int seq, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        List<int[]> rows = new ArrayList<>();
        for (int r = 0; r < batch; r++) {
            rows.add(random.ints(seq, 0, vocab).toArray());
        }
        return rows;
    }

    /** Seconds of one forward pass with logits for every position, no graph. */
    static double timeForward(LlamaModel model, TokenBatch batch) {
        try (NDManager out = NDManager.newBaseManager(model.device(), "PyTorch")) {
            long start = System.nanoTime();
            NDArray logits = model.logits(batch, out);
            logits.getFloat(0, 0, 0); // forces completion on asynchronous devices
            return (System.nanoTime() - start) / 1e9;
        }
    }

    static double median(List<Double> values) {
        double[] sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        int mid = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }
}
