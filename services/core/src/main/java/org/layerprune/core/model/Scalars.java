package org.layerprune.core.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/**
 * Numbers as 0-d arrays whose memory the engine owns, for ops that autograd may record.
 *
 * <p>DJL's {@code x.mul(Number)} (and div, pow, ...) wraps the number in an array over a Java direct buffer, runs the
 * op and closes that array at once. Autograd keeps the op's scalar operand for the backward pass (d(x*c)/dx = c), so
 * the engine then reads the buffer after Java may have freed it: a garbage collection between forward and backward
 * made gradients differ or turn NaN from run to run. {@code full} allocates in the engine, which reference-counts
 * the memory for as long as the graph needs it.
 */
public final class Scalars {

    private Scalars() {
    }

    /** {@code value} as a 0-d array of {@code like}'s type, on its device, in its manager. */
    public static NDArray like(NDArray like, double value) {
        return like.getManager().full(new Shape(), (float) value, like.getDataType(), like.getDevice());
    }
}
