package org.layerprune.core.heal;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.List;

/**
 * torch.optim.AdamW (no amsgrad), as the HF Trainer uses it, over a fixed list of parameters, with a state that
 * can be read and restored so a healing run resumes exactly.
 *
 * <p>For update t (1-based) with gradient g and rate lr:
 * <pre>
 *   p   = p * (1 - lr * weightDecay)
 *   m   = beta1 * m + (1 - beta1) * g
 *   v   = beta2 * v + (1 - beta2) * g * g
 *   p   = p - (lr / (1 - beta1^t)) * m / (sqrt(v) / sqrt(1 - beta2^t) + eps)
 * </pre>
 * DJL's own AdamW keeps its moments private, so a checkpoint could not hold them; that is why this class exists.
 *
 * <p>The updates run outside any gradient collector (the engine's grad mode is off there), so changing the
 * parameters in place does not touch the autograd graph.
 */
public final class AdamW {

    private final double beta1;
    private final double beta2;
    private final double eps;
    private final double weightDecay;
    private final List<NDArray> params;
    private final List<NDArray> means;     // m, one per parameter, same shape
    private final List<NDArray> variances; // v
    private long updates;

    /**
     * @param params  the arrays to update, in a fixed order ({@link #state} and {@link #restore} use it)
     * @param manager owns the moments
     */
    AdamW(List<NDArray> params, NDManager manager, double beta1, double beta2, double eps, double weightDecay) {
        this.params = List.copyOf(params);
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = eps;
        this.weightDecay = weightDecay;
        this.means = new ArrayList<>();
        this.variances = new ArrayList<>();
        for (NDArray p : this.params) {
            means.add(manager.zeros(p.getShape(), p.getDataType()));
            variances.add(manager.zeros(p.getShape(), p.getDataType()));
        }
    }

    /** The HF Trainer's defaults: betas 0.9 / 0.999, eps 1e-8, no weight decay. */
    static AdamW trainerDefaults(List<NDArray> params, NDManager manager) {
        return new AdamW(params, manager, 0.9, 0.999, 1e-8, 0.0);
    }

    /**
     * One update of every parameter.
     *
     * @param grads one per parameter, in the same order; read, not changed
     */
    void update(List<NDArray> grads, double lr) {
        if (grads.size() != params.size()) {
            throw new IllegalArgumentException(grads.size() + " gradients for " + params.size() + " parameters");
        }
        updates++;
        double stepSize = lr / (1 - Math.pow(beta1, updates));
        double correction2 = Math.sqrt(1 - Math.pow(beta2, updates));
        for (int i = 0; i < params.size(); i++) {
            NDArray p = params.get(i);
            NDArray g = grads.get(i);
            NDArray m = means.get(i);
            NDArray v = variances.get(i);
            try (NDManager scope = p.getManager().newSubManager()) {
                // Results of an op belong to its input's manager: lend every input to the scope, so the
                // temporaries die with it and p, m, v return to their owners.
                for (NDArray a : List.of(p, g, m, v)) {
                    a.tempAttach(scope);
                }
                if (weightDecay != 0) {
                    p.muli(1 - lr * weightDecay);
                }
                m.muli(beta1).addi(g.mul(1 - beta1));
                v.muli(beta2).addi(g.mul(g).muli(1 - beta2));
                NDArray denom = v.sqrt().divi(correction2).addi(eps);
                p.subi(m.div(denom).muli(stepSize));
            }
        }
    }

    /** Updates made so far (torch's {@code state["step"]}). */
    long updates() {
        return updates;
    }

    /** The moments, copied out: per parameter, m then v, flattened. */
    State state() {
        List<float[]> m = new ArrayList<>();
        List<float[]> v = new ArrayList<>();
        for (int i = 0; i < params.size(); i++) {
            m.add(means.get(i).toFloatArray());
            v.add(variances.get(i).toFloatArray());
        }
        return new State(updates, m, v);
    }

    /**
     * Puts back a {@link #state} taken from an optimizer over parameters of the same shapes.
     *
     * @throws IllegalArgumentException when the counts or sizes differ
     */
    void restore(State state) {
        if (state.means().size() != params.size() || state.variances().size() != params.size()) {
            throw new IllegalArgumentException("optimizer state for " + state.means().size() + " parameters, not "
                    + params.size());
        }
        for (int i = 0; i < params.size(); i++) {
            set(means.get(i), state.means().get(i), "exp_avg", i);
            set(variances.get(i), state.variances().get(i), "exp_avg_sq", i);
        }
        updates = state.updates();
    }

    private static void set(NDArray target, float[] values, String what, int index) {
        Shape shape = target.getShape();
        if (values.length != shape.size()) {
            throw new IllegalArgumentException(what + " of parameter " + index + " has " + values.length
                    + " values, the parameter " + shape.size());
        }
        target.set(values);
    }

    /**
     * An optimizer's state.
     *
     * @param updates   updates made
     * @param means     m per parameter, flattened
     * @param variances v per parameter, flattened
     */
    public record State(long updates, List<float[]> means, List<float[]> variances) {
    }
}
