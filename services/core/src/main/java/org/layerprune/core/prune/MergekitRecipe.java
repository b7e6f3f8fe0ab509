package org.layerprune.core.prune;

import java.util.Locale;
import java.util.Optional;

/**
 * mergekit's recipe for the same cut, written next to a pruned checkpoint as {@code mergekit.yaml}, so the result can
 * be reproduced (or compared) with {@code mergekit-yaml mergekit.yaml OUT}: the {@code passthrough} method stacks the
 * slices it is given, here the layers before the block and the layers after it.
 *
 * <pre>
 * slices:
 *   - sources:
 *       - model: "/models/llama"
 *         layer_range: [0, 20]
 *   - sources:
 *       - model: "/models/llama"
 *         layer_range: [28, 32]
 * merge_method: passthrough
 * dtype: bfloat16
 * </pre>
 *
 * <p>mergekit's {@code layer_range} is END-EXCLUSIVE, like a Python slice: {@code [0, 20]} is layers 0..19. A slice
 * that would be empty (the block starts at layer 0, or ends at the last layer) is left out, since mergekit rejects
 * it.
 */
final class MergekitRecipe {

    /** The recipe's name in a pruned checkpoint directory. */
    static final String FILE_NAME = "mergekit.yaml";

    private MergekitRecipe() {
    }

    /**
     * @param source the source model as mergekit should find it, written as given: an absolute path, a path relative
     *     to where the recipe is meant to be run, or a Hugging Face repo id
     * @param layers L, the source's layer count
     * @param dtype the source's {@code torch_dtype}, if its config names one
     */
    static String passthrough(String source, BlockSelection block, int layers, Optional<String> dtype) {
        block.checkWithin(layers);
        StringBuilder yaml = new StringBuilder()
                .append("# mergekit passthrough recipe for the same cut: removes ").append(block)
                .append(" of ").append(layers).append(" (layer_range is end-exclusive)\n")
                .append("slices:\n");
        if (block.start() > 0) {
            slice(yaml, source, 0, block.start());
        }
        if (block.end() < layers) {
            slice(yaml, source, block.end(), layers);
        }
        yaml.append("merge_method: passthrough\n");
        dtype.ifPresent(name -> yaml.append("dtype: ").append(scalar(name)).append('\n'));
        return yaml.toString();
    }

    private static void slice(StringBuilder yaml, String source, int from, int to) {
        yaml.append("  - sources:\n")
                .append("      - model: ").append(quoted(source)).append('\n')
                .append("        layer_range: [").append(from).append(", ").append(to).append("]\n");
    }

    /** A plain scalar when it is a simple word such as {@code bfloat16}, else a quoted one. */
    private static String scalar(String value) {
        return value.matches("[A-Za-z][A-Za-z0-9_]*") ? value : quoted(value);
    }

    /**
     * A YAML double-quoted scalar: backslash and double quote escaped, control characters and the characters YAML
     * takes for line breaks or a byte order mark as {@code \\uXXXX}, so
     * any path (spaces, colons, quotes, a leading {@code -} or {@code #}) reads back as written.
     */
    static String quoted(String value) {
        StringBuilder out = new StringBuilder("\"");
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                default -> {
                    if (c < 0x20 || (c >= 0x7F && c <= 0x9F) || c == 0x2028 || c == 0x2029 || c == 0xFEFF) {
                        out.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"').toString();
    }
}
