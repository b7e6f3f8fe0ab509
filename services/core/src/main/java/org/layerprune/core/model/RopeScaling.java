package org.layerprune.core.model;

/**
 * config.json's {@code rope_scaling}: how the rotary inverse frequencies are stretched for long contexts.
 * Only the kinds whose scaling keeps {@code attention_scaling = 1} in transformers are supported.
 */
public sealed interface RopeScaling {

    /** Scales the default inverse frequencies {@code inv_freq[i] = theta^(-2i/D)}; returns new values. */
    double[] apply(double[] invFreq);

    /** No scaling ({@code null} or {@code rope_type: "default"}). */
    record None() implements RopeScaling {
        @Override
        public double[] apply(double[] invFreq) {
            return invFreq.clone();
        }
    }

    /** Position interpolation: every frequency divided by {@code factor} (transformers' "linear"). */
    record Linear(double factor) implements RopeScaling {
        public Linear {
            if (!(factor > 0)) {
                throw new IllegalArgumentException("rope_scaling.factor must be > 0, got " + factor);
            }
        }

        @Override
        public double[] apply(double[] invFreq) {
            double[] out = new double[invFreq.length];
            for (int i = 0; i < out.length; i++) {
                out[i] = invFreq[i] / factor;
            }
            return out;
        }
    }

    /**
     * Llama 3.1's scaling (transformers' {@code _compute_llama3_parameters}): wavelengths longer than
     * {@code original / lowFreqFactor} are divided by {@code factor}, shorter than {@code original /
     * highFreqFactor} are kept, and those between are interpolated smoothly.
     */
    record Llama3(double factor, double lowFreqFactor, double highFreqFactor, int originalMaxPositionEmbeddings)
            implements RopeScaling {
        public Llama3 {
            if (!(factor > 0) || !(highFreqFactor > lowFreqFactor) || originalMaxPositionEmbeddings <= 0) {
                throw new IllegalArgumentException("rope_scaling llama3 needs factor > 0, high_freq_factor >"
                        + " low_freq_factor and original_max_position_embeddings > 0");
            }
        }

        @Override
        public double[] apply(double[] invFreq) {
            double lowFreqWavelen = originalMaxPositionEmbeddings / lowFreqFactor;
            double highFreqWavelen = originalMaxPositionEmbeddings / highFreqFactor;
            double[] out = new double[invFreq.length];
            for (int i = 0; i < out.length; i++) {
                double wavelen = 2 * Math.PI / invFreq[i];
                if (wavelen > lowFreqWavelen) {
                    out[i] = invFreq[i] / factor;
                } else if (wavelen < highFreqWavelen) {
                    out[i] = invFreq[i];
                } else {
                    double smooth = (originalMaxPositionEmbeddings / wavelen - lowFreqFactor)
                            / (highFreqFactor - lowFreqFactor);
                    out[i] = (1 - smooth) * invFreq[i] / factor + smooth * invFreq[i];
                }
            }
            return out;
        }
    }
}
