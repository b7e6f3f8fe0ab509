package org.layerprune.core.eval;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.stream.IntStream;
import org.layerprune.core.model.LlamaModel;
import org.layerprune.core.model.TokenBatch;

/**
 * Scores multiple-choice questions by log-likelihood, as lm-eval-harness's {@code loglikelihood} does, in
 * batches. When every choice of a question is one token (MMLU's " A".." D", BoolQ's " no"/" yes"), one
 * forward pass of the context scores all of them from the last position's distribution; otherwise each
 * choice is its own row. Questions are batched longest first, so rows of a batch have similar lengths.
 */
public final class ChoiceScorer {

    private final LlamaModel model;
    private final Function<String, int[]> encoder;
    private final int batchSize;
    private final int maxTokens;

    /**
     * @param encoder   text to ids without special tokens, e.g. {@code tokenizer::encodeWithoutSpecialTokens}
     * @param maxTokens the model's context: longer inputs are cut from the left
     */
    public ChoiceScorer(LlamaModel model, Function<String, int[]> encoder, int batchSize, int maxTokens) {
        if (batchSize < 1 || maxTokens < 1) {
            throw new IllegalArgumentException("batch size and max tokens must be >= 1");
        }
        this.model = model;
        this.encoder = encoder;
        this.batchSize = batchSize;
        this.maxTokens = maxTokens;
    }

    /**
     * @throws java.util.concurrent.CancellationException when {@code cancelled} says so between batches
     */
    public List<ScoredChoice> score(List<ChoiceRequest> requests, EvalProgress progress, BooleanSupplier cancelled) {
        List<EncodedRequest> encoded = requests.stream().map(r -> EncodedRequest.of(r, encoder)).toList();
        double[][] scores = new double[requests.size()][];
        List<Integer> order = IntStream.range(0, requests.size()).boxed()
                .sorted(Comparator.comparingInt((Integer i) -> -encoded.get(i).context().length))
                .toList();
        int done = 0;
        for (int from = 0; from < order.size(); from += batchSize) {
            Cancellation.check(cancelled, "scoring");
            List<Integer> batch = order.subList(from, Math.min(order.size(), from + batchSize));
            List<Integer> single = batch.stream().filter(i -> encoded.get(i).singleTokenChoices()).toList();
            scoreSingleTokenChoices(single, encoded, scores);
            for (int i : batch) {
                if (!encoded.get(i).singleTokenChoices()) {
                    scores[i] = scoreEachChoice(encoded.get(i));
                }
            }
            done += batch.size();
            progress.batchDone(done, requests.size());
        }
        List<ScoredChoice> scored = new ArrayList<>();
        for (int i = 0; i < requests.size(); i++) {
            scored.add(new ScoredChoice(requests.get(i), scores[i], argmax(scores[i]), truncated(encoded.get(i))));
        }
        return scored;
    }

    /** One forward pass of the contexts; each choice's log-probability read off the last position. */
    private void scoreSingleTokenChoices(List<Integer> indices, List<EncodedRequest> encoded, double[][] scores) {
        if (indices.isEmpty()) {
            return;
        }
        List<int[]> inputs = indices.stream().map(i -> encoded.get(i).input(0, maxTokens)).toList();
        try (NDManager scope = NDManager.newBaseManager(model.device(), "PyTorch")) {
            NDArray logProbs = model.lastTokenLogits(TokenBatch.of(inputs), scope).logSoftmax(1); // [B, V]
            float[] flat = logProbs.toFloatArray();
            int vocab = (int) logProbs.getShape().get(1);
            for (int row = 0; row < indices.size(); row++) {
                EncodedRequest request = encoded.get(indices.get(row));
                double[] choice = new double[request.continuations().size()];
                for (int c = 0; c < choice.length; c++) {
                    choice[c] = flat[row * vocab + request.continuations().get(c)[0]];
                }
                scores[indices.get(row)] = choice;
            }
        }
    }

    /** Each choice its own row: the sum of its tokens' log-probabilities. */
    private double[] scoreEachChoice(EncodedRequest request) {
        List<int[]> rows = new ArrayList<>();
        for (int c = 0; c < request.continuations().size(); c++) {
            int[] input = request.input(c, maxTokens);
            int[] last = request.continuations().get(c);
            int[] row = new int[input.length + 1];
            System.arraycopy(input, 0, row, 0, input.length);
            row[input.length] = last[last.length - 1];
            rows.add(row);
        }
        float[][] logProbs = model.nextTokenLogProbs(TokenBatch.of(rows));
        double[] choice = new double[rows.size()];
        for (int c = 0; c < rows.size(); c++) {
            int length = request.continuations().get(c).length;
            float[] row = logProbs[c];
            for (int t = row.length - length; t < row.length; t++) {
                choice[c] += row[t];
            }
        }
        return choice;
    }

    private boolean truncated(EncodedRequest request) {
        return IntStream.range(0, request.continuations().size())
                .anyMatch(c -> request.context().length + request.continuations().get(c).length - 1 > maxTokens);
    }

    private static int argmax(double[] values) {
        int best = 0;
        for (int i = 1; i < values.length; i++) {
            if (values[i] > values[best]) {
                best = i;
            }
        }
        return best;
    }
}
