package org.layerprune.core.prune;

import java.util.List;
import java.util.stream.IntStream;
import org.layerprune.core.similarity.ProbeResult;

/**
 * A block of consecutive decoder layers to remove: layers {@code start .. start + count - 1}, numbered from 0 as in
 * {@code model.layers.N}. Removing it makes layer {@code start - 1} feed layer {@code start + count} directly; the
 * layers after the block move down by {@code count}.
 *
 * <p>The record itself only knows that the block is non-empty and starts at a layer; whether it fits a model of L
 * layers, leaving at least one, is {@link #checkWithin}'s question, asked by every strategy and by the pruner.
 *
 * @param start the first layer removed (l* in the paper), from 0
 * @param count how many layers are removed (n in the paper), at least 1
 */
public record BlockSelection(int start, int count) {

    public BlockSelection {
        if (count < 1) {
            throw new IllegalArgumentException("a block removes at least one layer, not " + count);
        }
        if (start < 0) {
            throw new IllegalArgumentException("a block starts at a layer >= 0, not " + start);
        }
        if (count > Integer.MAX_VALUE - start) {
            throw new IllegalArgumentException("a block of " + count + " layers from layer " + start
                    + " ends past any layer number");
        }
    }

    /**
     * The block {@code start .. start + count - 1}, checked against a model of {@code layers} layers.
     *
     * @throws IllegalArgumentException as the constructor and {@link #checkWithin}
     */
    public static BlockSelection of(int start, int count, int layers) {
        return new BlockSelection(start, count).checkWithin(layers);
    }

    /**
     * The paper's simple baseline: the deepest {@code count} layers except the final one, which the similarity
     * analysis shows to be the most distinct: layers {@code L - n - 1 .. L - 2}.
     *
     * @throws IllegalArgumentException when {@code count} is below 1 or not below {@code layers}
     */
    public static BlockSelection simple(int layers, int count) {
        requireRemovable(count, layers);
        return of(layers - count - 1, count, layers);
    }

    /**
     * The block of {@code count} layers whose removal the probe scored best: it starts at l*(n), the start with the
     * smallest mean distance between the states entering and leaving the block.
     *
     * @throws IllegalArgumentException when the probe scored no block of {@code count} layers (n outside 1..L-1)
     */
    public static BlockSelection fromProbe(ProbeResult probe, int count) {
        if (count < 1 || count >= probe.layers()) {
            throw new IllegalArgumentException("the probe of " + probe.layers() + " layers scored blocks of 1 to "
                    + (probe.layers() - 1) + " layers, not " + count);
        }
        return of(probe.best(count), count, probe.layers());
    }

    /** One past the last layer removed: {@code start + count}, the index mergekit's end-exclusive ranges use. */
    public int end() {
        return start + count;
    }

    /**
     * This block, after checking that it lies within layers {@code 0 .. layers - 1} and leaves at least one.
     *
     * @throws IllegalArgumentException naming the block and the layer count when it does not fit
     */
    public BlockSelection checkWithin(int layers) {
        requireRemovable(count, layers);
        if (end() > layers) {
            throw new IllegalArgumentException("the block of " + count + " layers from layer " + start
                    + " ends at layer " + (end() - 1) + ", past the last layer " + (layers - 1) + " of " + layers);
        }
        return this;
    }

    /** Whether {@code layer} (an index before pruning) is removed. */
    public boolean removes(int layer) {
        return layer >= start && layer < end();
    }

    /** The removed layers' indices before pruning, ascending. */
    public List<Integer> removedLayers() {
        return IntStream.range(start, end()).boxed().toList();
    }

    /**
     * Where a kept layer ends up: unchanged before the block, {@code count} lower after it.
     *
     * @throws IllegalArgumentException when {@code layer} is one this block removes
     */
    public int newIndex(int layer) {
        if (removes(layer)) {
            throw new IllegalArgumentException("layer " + layer + " is removed by " + this);
        }
        return layer < start ? layer : layer - count;
    }

    /** Layers {@code start..end-1} of the original numbering, as people write them. */
    @Override
    public String toString() {
        return count == 1 ? "layer " + start : "layers " + start + ".." + (end() - 1);
    }

    private static void requireRemovable(int count, int layers) {
        if (layers < 1) {
            throw new IllegalArgumentException("a model has at least one layer, not " + layers);
        }
        if (count < 1) {
            throw new IllegalArgumentException("a block removes at least one layer, not " + count);
        }
        if (count >= layers) {
            throw new IllegalArgumentException("cannot remove " + count + " of " + layers + " layers (n >= L):"
                    + " at least one layer must remain");
        }
    }
}
