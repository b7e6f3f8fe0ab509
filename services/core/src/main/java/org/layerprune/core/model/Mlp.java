package org.layerprune.core.model;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Activation;

/**
 * The SwiGLU feed-forward block, as transformers' LlamaMLP: {@code down(silu(gate(x)) * up(x))}.
 *
 * <p>Legend: H hidden, I intermediate.
 */
public record Mlp(Linear gateProj, Linear upProj, Linear downProj) {

    /**
     * @param x [B, S, H]
     * @return [B, S, H]
     */
    public NDArray forward(NDArray x) {
        NDArray gate = gateProj.forward(x);                                 // [B, S, I]
        // silu(gate) * up, multiplied in place into the fresh sigmoid: no further [B, S, I] temporaries
        NDArray act = Activation.sigmoid(gate).muli(gate).muli(upProj.forward(x)); // [B, S, I]
        return downProj.forward(act);                                       // [B, S, I] -> [B, S, H]
    }

    /**
     * The same block for a training pass, each projection computed by {@code projection}. Out of place: the
     * in-place form would overwrite the sigmoid that autograd keeps for its backward.
     *
     * @param x [B, S, H]
     * @return [B, S, H]
     */
    public NDArray forwardForTraining(NDArray x, Projection projection) {
        NDArray gate = projection.apply("gate_proj", gateProj, x);          // [B, S, I]
        NDArray act = gate.mul(Activation.sigmoid(gate))                    // silu(gate)
                .mul(projection.apply("up_proj", upProj, x));               // [B, S, I]
        return projection.apply("down_proj", downProj, act);                // [B, S, I] -> [B, S, H]
    }
}
