package org.layerprune.core.bench;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;
import org.layerprune.core.heal.LearningRateSchedule;
import org.layerprune.core.heal.LoraConfig;
import org.layerprune.core.heal.LoraTrainer;
import org.layerprune.core.heal.LoraTrainer.Quantization;
import org.layerprune.core.heal.StepTimes;
import org.layerprune.core.model.LlamaModel;
import org.layerprune.core.model.TokenBatch;

/**
 * Times LoRA healing's optimizer updates ({@link LoraTrainer#stepAccumulated} on random ids: forward, backward,
 * clipping, AdamW, over the configured micro-batches) against the plain float32 matrix product that
 * {@link ForwardBenchmark} uses, alternating round by round in one run, and reports the training rate in FLOP/s as
 * {@link FlopCount#loraStep} counts it (frozen weights pass back only input gradients) over the product's rate.
 *
 * <p>Each round also runs an inference forward (logits for every position, no graph, float32 weights) on the same
 * rows, and keeps the trainer's own {@link StepTimes}: where the update's time went (training forward, NF4
 * dequantisation and dropout masks inside it, loss, backward, optimizer). NF4 dequantisation is overhead, not FLOPs.
 * The first update under NF4 also quantises the weights: keep {@code warmup >= 1} to leave that out of the times.
 */
public final class HealBenchmark {

    /**
     * @param batch        B, rows per update
     * @param seq          S, tokens per row
     * @param microBatch   rows per forward/backward; B must be a multiple of it
     * @param lora         rank, alpha, dropout and targets of the adapters
     * @param quantization how the trainer holds the frozen projections
     * @param warmup       untimed rounds first
     * @param iterations   timed rounds
     */
    public record Settings(int batch, int seq, int microBatch, LoraConfig lora, Quantization quantization,
            int warmup, int iterations, long seed) {

        public Settings {
            Objects.requireNonNull(lora, "lora");
            Objects.requireNonNull(quantization, "quantization");
            if (batch < 1 || seq < 2 || microBatch < 1 || warmup < 0 || iterations < 1) {
                throw new IllegalArgumentException(
                        "batch, micro-batch and iterations must be >= 1, seq >= 2 and warmup >= 0");
            }
            if (batch % microBatch != 0) {
                throw new IllegalArgumentException("batch " + batch + " is not a multiple of the micro-batch "
                        + microBatch);
            }
        }
    }

    /**
     * Medians over the timed rounds; the update's is the round whose update took the median time (the lower of the
     * middle two for an even count), and {@code breakdown} is that update's.
     *
     * @param tokens           B * S, the tokens one update reads
     * @param stepSeconds      one update, as the caller of {@link LoraTrainer#stepAccumulated} sees it
     * @param flops            FLOPs of one update ({@link FlopCount#loraStep})
     * @param matmulSeconds    one baseline product
     * @param matmulFlops      FLOPs of one baseline product
     * @param matmulShape      {m, k, n} of the baseline [m, k] x [k, n]
     * @param inferenceSeconds one forward pass without graph, float32 weights, logits for every position
     * @param breakdown        where that update's time went
     */
    public record Result(Settings settings, long tokens, double stepSeconds, FlopCount.Training flops,
            double matmulSeconds, double matmulFlops, long[] matmulShape, double inferenceSeconds,
            StepTimes breakdown) {

        public double tokensPerSecond() {
            return tokens / stepSeconds;
        }

        /** Forward + backward FLOPs of an update over its wall time (optimizer and overheads included). */
        public double trainGflops() {
            return flops.total() / stepSeconds / 1e9;
        }

        public double matmulGflops() {
            return matmulFlops / matmulSeconds / 1e9;
        }

        /** Training rate over matmul rate, both measured in this run. */
        public double ratio() {
            return trainGflops() / matmulGflops();
        }

        /** The training forward's FLOPs over its own time (dequantisation and dropout masks included). */
        public double forwardGflops() {
            return flops.forward() / breakdown.forward() / 1e9;
        }

        /** The backward's FLOPs over its own time. */
        public double backwardGflops() {
            return flops.backward() / breakdown.backward() / 1e9;
        }

        /** The median update's time outside its measured pieces: batching, scopes, grad-mode switches. */
        public double otherSeconds() {
            return stepSeconds - breakdown.forward() - breakdown.loss() - breakdown.backward()
                    - breakdown.optimizer();
        }
    }

    private HealBenchmark() {
    }

    /** @param progress told after each round, e.g. "round 1: step 21.3 s (forward 6.1, ...), matmul 0.24 s" */
    public static Result run(LlamaModel model, Settings s, Consumer<String> progress) {
        List<int[]> rows = ForwardBenchmark.randomRows(model.config().vocabSize(), s.batch(), s.seq(), s.seed());
        List<List<int[]>> microBatches = new ArrayList<>();
        for (int start = 0; start < rows.size(); start += s.microBatch()) {
            microBatches.add(rows.subList(start, start + s.microBatch()));
        }
        TokenBatch whole = TokenBatch.of(rows);
        FlopCount.Training flops = FlopCount.loraStep(model.config(), s.lora(), s.batch(), s.seq());
        // The paper's schedule; the rate does not change the work of an update.
        LearningRateSchedule schedule = new LearningRateSchedule(LearningRateSchedule.PAPER_PEAK,
                LearningRateSchedule.PAPER_WARMUP_STEPS, LearningRateSchedule.PAPER_TOTAL_STEPS);
        List<Double> step = new ArrayList<>();
        List<Double> matmul = new ArrayList<>();
        List<Double> inference = new ArrayList<>();
        List<StepTimes> pieces = new ArrayList<>();
        try (LoraTrainer trainer = new LoraTrainer(model, s.lora(), schedule, s.seed(), s.quantization());
                MatmulBaseline baseline = new MatmulBaseline(model, s.batch(), s.seq())) {
            // As many products per round as make up one update's FLOPs: comparable durations.
            int repeats = baseline.repeatsFor(flops.total());
            for (int round = 0; round < s.warmup() + s.iterations(); round++) {
                boolean timed = round >= s.warmup();
                long start = System.nanoTime();
                trainer.stepAccumulated(microBatches);
                double t = (System.nanoTime() - start) / 1e9;
                StepTimes p = trainer.lastStepTimes();
                double m = baseline.secondsPerProduct(repeats);
                double f = ForwardBenchmark.timeForward(model, whole);
                if (timed) {
                    step.add(t);
                    pieces.add(p);
                    matmul.add(m);
                    inference.add(f);
                }
                progress.accept(String.format("%s %d: step %.3f s (forward %.3f, of it dequantize %.3f and dropout"
                        + " masks %.3f; loss %.3f; backward %.3f; optimizer %.3f), matmul %.4f s, inference forward"
                        + " %.3f s", timed ? "round" : "warmup", round + 1, t, p.forward(), p.dequantize(),
                        p.dropoutMasks(), p.loss(), p.backward(), p.optimizer(), m, f));
            }
            int median = medianIndex(step);
            return new Result(s, whole.realTokens(), step.get(median), flops, ForwardBenchmark.median(matmul),
                    baseline.flops(), baseline.shape(), ForwardBenchmark.median(inference), pieces.get(median));
        }
    }

    /** The index of the median of {@code values}, the lower of the middle two for an even count. */
    private static int medianIndex(List<Double> values) {
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < values.size(); i++) {
            order.add(i);
        }
        order.sort(Comparator.comparing(values::get));
        return order.get((values.size() - 1) / 2);
    }
}
