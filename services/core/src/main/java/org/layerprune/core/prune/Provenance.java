package org.layerprune.core.prune;

import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;
import org.layerprune.core.similarity.ProbeResult;

/**
 * Why a block was chosen, as the pruned checkpoint's manifest records it.
 *
 * @param strategy how the block was chosen
 * @param metric the probe's metric, e.g. "angular-last-token", when a probe chose the block
 * @param distance the probe's score of the chosen block, d(x^(l*), x^(l*+n)), when a probe chose it
 * @param probedModelHash the {@link org.layerprune.core.checkpoint.CheckpointHash} of the model the probe ran on;
 *     the pruner refuses a source with a different hash
 */
public record Provenance(Strategy strategy, Optional<String> metric, OptionalDouble distance,
        Optional<String> probedModelHash) {

    /** How a block was chosen. */
    public enum Strategy {
        /** Given by hand. */
        MANUAL,
        /** The paper's baseline: the deepest n layers before the last, {@link BlockSelection#simple}. */
        SIMPLE,
        /** l*(n) from a probe's distances, {@link BlockSelection#fromProbe}. */
        PROBE;

        /** The name the manifest records: lower case. */
        public String id() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public Provenance {
        Objects.requireNonNull(strategy, "strategy");
        Objects.requireNonNull(metric, "metric");
        Objects.requireNonNull(distance, "distance");
        Objects.requireNonNull(probedModelHash, "probedModelHash");
        if (strategy == Strategy.PROBE && (metric.isEmpty() || distance.isEmpty())) {
            throw new IllegalArgumentException("a block chosen by a probe comes with its metric and distance");
        }
    }

    /** A block given by hand. */
    public static Provenance manual() {
        return new Provenance(Strategy.MANUAL, Optional.empty(), OptionalDouble.empty(), Optional.empty());
    }

    /** A block chosen by {@link BlockSelection#simple}. */
    public static Provenance simple() {
        return new Provenance(Strategy.SIMPLE, Optional.empty(), OptionalDouble.empty(), Optional.empty());
    }

    /**
     * A block chosen by {@code probe}: its metric, its distance for the block and the hash of the probed model. A
     * blank model hash in the probe means the probe did not record one, and nothing is checked.
     *
     * @throws IllegalArgumentException when {@code block} is not the probe's l*(n) for its size, or does not fit the
     *     probed model
     */
    public static Provenance fromProbe(ProbeResult probe, BlockSelection block) {
        BlockSelection best = BlockSelection.fromProbe(probe, block.count());
        if (!best.equals(block)) {
            throw new IllegalArgumentException("the probe's best block of " + block.count() + " layers is " + best
                    + ", not " + block + "; record another choice as manual");
        }
        return new Provenance(Strategy.PROBE, Optional.of(probe.metric()),
                OptionalDouble.of(probe.distance(block.count(), block.start())),
                Optional.ofNullable(probe.modelHash()).filter(hash -> !hash.isBlank()));
    }
}
