package org.layerprune.core.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.layerprune.core.model.LlamaModel;
import org.layerprune.core.model.TokenBatch;
import org.layerprune.core.similarity.PairMetric;
import org.layerprune.core.similarity.Probe;
import org.layerprune.core.similarity.ProbeProgress;

/**
 * Times probing (the paper's metric: every boundary's last-token state, no final norm, no lm_head)
 * against the full forward pass with logits for every position, on the same random batch, alternating
 * round by round in one run. The ratio of their token rates says what skipping the head and keeping
 * only last-token states buys.
 */
public final class ProbeBenchmark {

    /**
     * Medians over the timed rounds.
     *
     * @param tokens         tokens in the batch
     * @param probeSeconds   one probe of the batch
     * @param forwardSeconds one forward pass with logits of the batch
     */
    public record Result(int batch, int seq, long tokens, double probeSeconds, double forwardSeconds) {

        public double probeTokensPerSecond() {
            return tokens / probeSeconds;
        }

        public double forwardTokensPerSecond() {
            return tokens / forwardSeconds;
        }

        /** Probe rate over forward rate, both measured in this run. */
        public double ratio() {
            return probeTokensPerSecond() / forwardTokensPerSecond();
        }
    }

    private ProbeBenchmark() {
    }

    public static Result run(LlamaModel model, ForwardBenchmark.Settings s, Consumer<String> progress) {
        List<int[]> rows = ForwardBenchmark.randomRows(model.config().vocabSize(), s.batch(), s.seq(), s.seed());
        TokenBatch batch = TokenBatch.of(rows);
        List<Double> probe = new ArrayList<>();
        List<Double> forward = new ArrayList<>();
        for (int round = 0; round < s.warmup() + s.iterations(); round++) {
            long start = System.nanoTime();
            Probe.run(model, rows, s.batch(), PairMetric.ANGULAR_LAST_TOKEN, "", ProbeProgress.NONE);
            double p = (System.nanoTime() - start) / 1e9;
            double f = ForwardBenchmark.timeForward(model, batch);
            boolean timed = round >= s.warmup();
            if (timed) {
                probe.add(p);
                forward.add(f);
            }
            progress.accept(String.format("%s %d: probe %.3f s, forward %.3f s", timed ? "round" : "warmup",
                    round + 1, p, f));
        }
        return new Result(s.batch(), s.seq(), batch.realTokens(), ForwardBenchmark.median(probe),
                ForwardBenchmark.median(forward));
    }
}
