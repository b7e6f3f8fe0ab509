package org.layerprune.contracts.events;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.stream.IntStream;

/**
 * The block sizes an experiment prunes at: {@code "all"}, meaning 1..L-1 once the model's L is known, or a list of
 * them. Always written out, so that a forgotten field never silently means every block size.
 *
 * @param listed the sizes named, ascending and distinct; empty for {@code "all"}
 */
public record BlockSizes(List<Integer> listed) {

    /** The JSON for every block size. */
    public static final String ALL = "all";

    public BlockSizes {
        TreeSet<Integer> sorted = new TreeSet<>();
        List<Integer> checked = Fields.requiredList(listed, "blockSizes");
        for (int i = 0; i < checked.size(); i++) {
            int n = checked.get(i);
            if (n < 1 || n > 9999) {
                throw new InvalidEventException("blockSizes[" + i + "]", n + " is not a block size in 1..9999");
            }
            if (!sorted.add(n)) {
                throw new InvalidEventException("blockSizes[" + i + "]", n + " is named twice");
            }
        }
        listed = List.copyOf(sorted);
    }

    /** Every block size of the model: 1..L-1. */
    public static BlockSizes all() {
        return new BlockSizes(List.of());
    }

    /** The block sizes {@code sizes}. */
    public static BlockSizes of(Integer... sizes) {
        if (sizes.length == 0) {
            throw new InvalidEventException("blockSizes", "an empty list names no block size; use all()");
        }
        return new BlockSizes(List.of(sizes));
    }

    /** Whether this means every block size. */
    public boolean isAll() {
        return listed.isEmpty();
    }

    /**
     * The block sizes to prune a model of {@code layers} layers at, ascending.
     *
     * @throws InvalidEventException naming the first listed size that such a model does not have
     */
    public List<Integer> resolve(int layers) {
        if (isAll()) {
            return IntStream.range(1, layers).boxed().toList();
        }
        for (int i = 0; i < listed.size(); i++) {
            if (listed.get(i) >= layers) {
                throw new InvalidEventException("blockSizes[" + i + "]", listed.get(i) + " layers cannot be removed"
                        + " from a model of " + layers + "; at most " + (layers - 1));
            }
        }
        return listed;
    }

    /** Reads {@code "all"} or a non-empty array of block sizes. */
    @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
    static BlockSizes fromJson(JsonNode node) {
        if (node.isTextual() && node.textValue().equals(ALL)) {
            return all();
        }
        if (!node.isArray() || node.isEmpty()) {
            throw new InvalidEventException("blockSizes", "expected \"" + ALL + "\" or a non-empty array of block"
                    + " sizes, got " + node);
        }
        List<Integer> sizes = new ArrayList<>();
        for (int i = 0; i < node.size(); i++) {
            JsonNode n = node.get(i);
            if (!n.isIntegralNumber() || !n.canConvertToInt()) {
                throw new InvalidEventException("blockSizes[" + i + "]", "expected an integer, got " + n);
            }
            sizes.add(n.intValue());
        }
        return new BlockSizes(sizes);
    }

    /** {@code "all"} or the list. */
    @JsonValue
    Object toJson() {
        return isAll() ? ALL : listed;
    }
}
