package org.layerprune.core.model;

import ai.djl.ndarray.NDArray;
import java.util.function.BiConsumer;

/**
 * Which tensors a config needs and their shapes, so the checkpoint can be checked in full before anything
 * is loaded.
 *
 * <p>Legend: H hidden, I intermediate, V vocabulary, N*D query width, K*D key/value width.
 */
final class ModelLayout {

    private final LlamaConfig c;

    ModelLayout(LlamaConfig config) {
        this.c = config;
    }

    long[] embedShape() {
        return new long[] {c.vocabSize(), c.hiddenSize()}; // [V, H]
    }

    /** Calls {@code visitor} with every needed tensor's name and shape. */
    void forEachTensor(BiConsumer<String, long[]> visitor) {
        visitor.accept(TensorKeys.EMBED_TOKENS, embedShape());
        for (int i = 0; i < c.numHiddenLayers(); i++) {
            int layer = i;
            forEachLayerTensor((suffix, shape) -> visitor.accept(TensorKeys.layer(layer, suffix), shape));
        }
        visitor.accept(TensorKeys.NORM, new long[] {c.hiddenSize()});
        if (!c.tieWordEmbeddings()) {
            visitor.accept(TensorKeys.LM_HEAD, embedShape());
        }
    }

    /** Calls {@code visitor} with the suffix (after {@code model.layers.N.}) and shape of each layer tensor. */
    void forEachLayerTensor(BiConsumer<String, long[]> visitor) {
        long h = c.hiddenSize();
        long q = c.queryWidth();
        long kv = c.keyValueWidth();
        long i = c.intermediateSize();
        visitor.accept("input_layernorm.weight", new long[] {h});
        projection(visitor, "self_attn.q_proj", q, h, c.qkvBias());
        projection(visitor, "self_attn.k_proj", kv, h, c.qkvBias());
        projection(visitor, "self_attn.v_proj", kv, h, c.qkvBias());
        projection(visitor, "self_attn.o_proj", h, q, c.attentionBias());
        visitor.accept("post_attention_layernorm.weight", new long[] {h});
        projection(visitor, "mlp.gate_proj", i, h, c.mlpBias());
        projection(visitor, "mlp.up_proj", i, h, c.mlpBias());
        projection(visitor, "mlp.down_proj", h, i, c.mlpBias());
    }

    private static void projection(BiConsumer<String, long[]> visitor, String name, long out, long in,
            boolean bias) {
        visitor.accept(name + ".weight", new long[] {out, in});
        if (bias) {
            visitor.accept(name + ".bias", new long[] {out});
        }
    }

    /** Parameters the model has, a tied lm_head counted once (transformers' num_parameters()). */
    long parameterCount() {
        long[] total = {0};
        forEachTensor((name, shape) -> {
            long n = 1;
            for (long d : shape) {
                n *= d;
            }
            total[0] += n;
        });
        return total[0];
    }

    /** Loads layer {@code i}. */
    DecoderLayer layer(int i, WeightLoader loader) {
        Attention attention = new Attention(
                linear(loader, i, "self_attn.q_proj", c.queryWidth(), c.hiddenSize(), c.qkvBias()),
                linear(loader, i, "self_attn.k_proj", c.keyValueWidth(), c.hiddenSize(), c.qkvBias()),
                linear(loader, i, "self_attn.v_proj", c.keyValueWidth(), c.hiddenSize(), c.qkvBias()),
                linear(loader, i, "self_attn.o_proj", c.hiddenSize(), c.queryWidth(), c.attentionBias()),
                c.numAttentionHeads(), c.numKeyValueHeads(), c.headDim());
        Mlp mlp = new Mlp(
                linear(loader, i, "mlp.gate_proj", c.intermediateSize(), c.hiddenSize(), c.mlpBias()),
                linear(loader, i, "mlp.up_proj", c.intermediateSize(), c.hiddenSize(), c.mlpBias()),
                linear(loader, i, "mlp.down_proj", c.hiddenSize(), c.intermediateSize(), c.mlpBias()));
        return new DecoderLayer(
                loader.load(TensorKeys.layer(i, "input_layernorm.weight"), c.hiddenSize()),
                attention,
                loader.load(TensorKeys.layer(i, "post_attention_layernorm.weight"), c.hiddenSize()),
                mlp,
                c.rmsNormEps(),
                c.slidingWindows().get(i));
    }

    private static Linear linear(WeightLoader loader, int layer, String name, long out, long in, boolean bias) {
        NDArray weight = loader.load(TensorKeys.layer(layer, name + ".weight"), out, in);
        NDArray b = bias ? loader.load(TensorKeys.layer(layer, name + ".bias"), out) : null;
        return new Linear(weight, b);
    }
}
