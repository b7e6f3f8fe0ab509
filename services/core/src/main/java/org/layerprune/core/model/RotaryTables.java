package org.layerprune.core.model;

import ai.djl.ndarray.NDArray;

/**
 * The cos and sin tables of one batch, shared by every layer.
 *
 * @param cos [1, 1, S, D]
 * @param sin [1, 1, S, D]
 */
public record RotaryTables(NDArray cos, NDArray sin) {
}
