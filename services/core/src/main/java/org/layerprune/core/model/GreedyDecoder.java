package org.layerprune.core.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.Arrays;

/**
 * Greedy continuation: at each step the id with the highest logit (the lowest id on a tie, as torch's
 * argmax). Each step reruns the whole prefix: there is no KV cache, which is fine for the short
 * continuations this serves (checking a model against a reference) and keeps one forward path.
 */
public final class GreedyDecoder {

    private GreedyDecoder() {
    }

    /** @return the {@code steps} new ids, without the prompt */
    public static int[] continueGreedy(LlamaModel model, int[] prompt, int steps) {
        TokenBatch.of(prompt).checkIds(model.config().vocabSize()); // even when no step runs
        int[] ids = Arrays.copyOf(prompt, prompt.length + steps);
        for (int step = 0; step < steps; step++) {
            int len = prompt.length + step;
            try (NDManager scope = NDManager.newBaseManager(model.device(), "PyTorch")) {
                NDArray logits = model.lastTokenLogits(TokenBatch.of(Arrays.copyOf(ids, len)), scope); // [1, V]
                ids[len] = (int) logits.get(0).argMax().getLong();
            }
        }
        return Arrays.copyOfRange(ids, prompt.length, ids.length);
    }
}
