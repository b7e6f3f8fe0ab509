package org.layerprune.core.model;

/**
 * The Hugging Face tensor names of a Llama-family checkpoint. Every key is built here, so renumbering
 * {@code model.layers.N} after pruning is one function ({@link #layerIndex}).
 */
public final class TensorKeys {

    public static final String EMBED_TOKENS = "model.embed_tokens.weight";
    public static final String NORM = "model.norm.weight";
    public static final String LM_HEAD = "lm_head.weight";

    private static final String LAYER_PREFIX = "model.layers.";

    private TensorKeys() {
    }

    /** {@code model.layers.<layer>.<suffix>}, e.g. layer(3, "mlp.up_proj.weight"). */
    public static String layer(int layer, String suffix) {
        return LAYER_PREFIX + layer + "." + suffix;
    }

    /** The layer number in a {@code model.layers.N.*} key, or -1 for a key outside the layers. */
    public static int layerIndex(String key) {
        if (!key.startsWith(LAYER_PREFIX)) {
            return -1;
        }
        int end = key.indexOf('.', LAYER_PREFIX.length());
        if (end < 0) {
            return -1;
        }
        try {
            return Integer.parseInt(key.substring(LAYER_PREFIX.length(), end));
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** The same key moved to layer {@code newLayer}; {@code key} must be a layer key. */
    public static String renumber(String key, int newLayer) {
        int old = layerIndex(key);
        if (old < 0) {
            throw new IllegalArgumentException("not a layer tensor: " + key);
        }
        return layer(newLayer, key.substring(LAYER_PREFIX.length() + Integer.toString(old).length() + 1));
    }
}
