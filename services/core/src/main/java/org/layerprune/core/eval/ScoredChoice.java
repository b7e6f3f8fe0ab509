package org.layerprune.core.eval;

/**
 * A scored question.
 *
 * @param logLikelihoods the summed log-probability of each continuation given the context
 * @param predicted      the continuation with the highest log-likelihood (the first on a tie, as argmax)
 * @param truncated      whether the prompt was cut from the left to fit the model's context
 */
public record ScoredChoice(ChoiceRequest request, double[] logLikelihoods, int predicted, boolean truncated) {

    public ScoredChoice {
        logLikelihoods = logLikelihoods.clone();
    }

    @Override
    public double[] logLikelihoods() {
        return logLikelihoods.clone();
    }

    public boolean correct() {
        return predicted == request.gold();
    }
}
