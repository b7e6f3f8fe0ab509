package org.layerprune.core.eval;

/**
 * The validation loss of a model on a set of sequences.
 *
 * @param loss       mean next-token cross-entropy in nats over every predicted real token
 * @param tokens     predicted tokens (each sequence's first token is not predicted; padding never counts)
 * @param sequences  sequences evaluated
 * @param vocabSize  V, the model's vocabulary size
 */
public record LossResult(double loss, long tokens, int sequences, int vocabSize) {

    /** exp(loss). */
    public double perplexity() {
        return Math.exp(loss);
    }

    /** loss / ln V, as the paper reports it: 1 is a uniform guess over the vocabulary. */
    public double normalizedLoss() {
        return loss / Math.log(vocabSize);
    }
}
