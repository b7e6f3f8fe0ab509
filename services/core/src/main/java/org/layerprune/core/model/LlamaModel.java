package org.layerprune.core.model;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;
import org.layerprune.core.checkpoint.Checkpoint;

/**
 * A Llama-family decoder (Llama, Mistral, Qwen2) loaded from a Hugging Face checkpoint: embedding, L
 * decoder layers, final RMSNorm, lm_head. Weights live in the model's own manager for as long as the model
 * does; every forward pass runs in a fresh scope that is closed before it returns, and each layer in a
 * scope of its own inside it, so nothing accumulates across batches.
 *
 * <p>Legend: B batch, S sequence, H hidden, V vocabulary, L layers.
 */
public final class LlamaModel implements AutoCloseable {

    private final LlamaConfig config;
    private final NDManager weights;
    private final NDArray embedTokens;  // [V, H]
    private final List<DecoderLayer> layers;
    private final NDArray norm;         // [H]
    private final Linear lmHead;        // [V, H], embed_tokens itself when tied
    private final Rope rope;
    private final boolean ownsWeights; // false for a view made by withLayersRemoved

    private LlamaModel(LlamaConfig config, NDManager weights, NDArray embedTokens, List<DecoderLayer> layers,
            NDArray norm, Linear lmHead, boolean ownsWeights) {
        this.config = config;
        this.weights = weights;
        this.embedTokens = embedTokens;
        this.layers = layers;
        this.norm = norm;
        this.lmHead = lmHead;
        this.rope = new Rope(config.headDim(), config.ropeTheta(), config.ropeScaling());
        this.ownsWeights = ownsWeights;
    }

    /** Opens the checkpoint directory {@code dir}, reads its config.json and loads it onto {@code device}. */
    public static LlamaModel load(Path dir, Device device) {
        try (Checkpoint checkpoint = Checkpoint.open(dir)) {
            return load(checkpoint, LlamaConfig.read(checkpoint.configFile()), device);
        }
    }

    /**
     * Checks every tensor the architecture needs (name, shape, dtype) before loading any, then loads them
     * as float32. The arrays may keep mapping the checkpoint's files after it is closed.
     */
    public static LlamaModel load(Checkpoint checkpoint, LlamaConfig config, Device device) {
        NDManager weights = NDManager.newBaseManager(device, "PyTorch");
        try {
            WeightLoader loader = new WeightLoader(checkpoint, weights);
            ModelLayout layout = new ModelLayout(config);
            verify(checkpoint, config);
            NDArray embed = loader.load(TensorKeys.EMBED_TOKENS, layout.embedShape());
            List<DecoderLayer> layers = new ArrayList<>(config.numHiddenLayers());
            for (int i = 0; i < config.numHiddenLayers(); i++) {
                layers.add(layout.layer(i, loader));
            }
            NDArray norm = loader.load(TensorKeys.NORM, config.hiddenSize());
            Linear lmHead = new Linear(config.tieWordEmbeddings() ? embed
                    : loader.load(TensorKeys.LM_HEAD, layout.embedShape()), null);
            // From here on nothing may be attached to the weights' manager: a leak throws instead of growing.
            weights.cap();
            return new LlamaModel(config, weights, embed, List.copyOf(layers), norm, lmHead, true);
        } catch (RuntimeException e) {
            weights.close();
            throw e;
        }
    }

    /**
     * Checks that {@code checkpoint} holds every tensor {@code config} needs, with its shape and a floating
     * dtype, without loading anything.
     *
     * @throws org.layerprune.core.checkpoint.CheckpointException naming the first tensor at fault
     */
    public static void verify(Checkpoint checkpoint, LlamaConfig config) {
        new ModelLayout(config).forEachTensor((name, shape) -> WeightLoader.check(checkpoint, name, shape));
    }

    /** Parameters of a model of this config, a tied lm_head counted once (transformers' num_parameters()). */
    public static long parameterCount(LlamaConfig config) {
        return new ModelLayout(config).parameterCount();
    }

    /**
     * This model with layers {@code start..start+count-1} skipped at run time: layer start-1 feeds layer
     * start+count directly, as in a pruned checkpoint. The view shares this model's weights (nothing is
     * copied); closing it frees nothing, and it must not be used after this model is closed.
     */
    public LlamaModel withLayersRemoved(int start, int count) {
        if (count < 1 || start < 0 || start + count > layers.size() || count >= layers.size()) {
            throw new IllegalArgumentException("cannot remove layers " + start + ".." + (start + count - 1)
                    + " of " + layers.size() + " (at least one layer must remain)");
        }
        List<DecoderLayer> kept = new ArrayList<>(layers.subList(0, start));
        kept.addAll(layers.subList(start + count, layers.size()));
        return new LlamaModel(config.withLayersRemoved(start, count), weights, embedTokens, List.copyOf(kept), norm,
                lmHead, false);
    }

    public LlamaConfig config() {
        return config;
    }

    /** The device the weights are on. */
    public Device device() {
        return weights.getDevice();
    }

    /** The manager that holds the weights; capped, so it only serves to count live arrays. */
    public NDManager weightsManager() {
        return weights;
    }

    /**
     * Runs the embedding and the layers, showing x^(0)..x^(L) to {@code observer}, and stops early when the
     * observer says so. No final norm, no lm_head: this is what probing needs, at the least cost.
     */
    public void forwardResidual(TokenBatch batch, ResidualObserver observer) {
        try (NDManager scope = NDManager.newBaseManager(device(), "PyTorch")) {
            residualStream(batch, scope, observer);
        }
    }

    /**
     * The full forward pass.
     *
     * @param out the manager that will own the result
     * @return [B, S, V] float32 logits; rows past a sequence's length are padding and meaningless
     */
    public NDArray logits(TokenBatch batch, NDManager out) {
        try (NDManager scope = NDManager.newBaseManager(device(), "PyTorch")) {
            NDArray x = residualStream(batch, scope, ResidualObserver.NONE); // [B, S, H]
            NDArray logits = head(x);                                        // [B, S, V]
            logits.attach(out);
            return logits;
        }
    }

    /**
     * The logits of each row's last real token only: the final norm and lm_head run on B rows instead of
     * B * S (transformers' logits_to_keep), which is what next-token choices need.
     *
     * @param out the manager that will own the result
     * @return [B, V] float32 logits
     */
    public NDArray lastTokenLogits(TokenBatch batch, NDManager out) {
        try (NDManager scope = NDManager.newBaseManager(device(), "PyTorch")) {
            NDArray x = residualStream(batch, scope, ResidualObserver.NONE); // [B, S, H]
            NDArray logits = head(batch.lastTokens(x));                      // [B, H] -> [B, V]
            logits.attach(out);
            return logits;
        }
    }

    /**
     * The log-probability the model gives each real next token: for row b, entry t is log p(id[t+1] |
     * id[0..t]). The vocabulary-wide logits are computed one row at a time and never for padding, so
     * memory holds at most [S, V] of them.
     *
     * @return one array of length(b) - 1 values per row
     */
    public float[][] nextTokenLogProbs(TokenBatch batch) {
        return nextTokenLogProbs(batch, l -> Projection.PLAIN);
    }

    /**
     * As {@link #nextTokenLogProbs(TokenBatch)}, with every layer's projections computed by
     * {@code projections.apply(l)} (a model with adapters, evaluated without building their gradients).
     */
    public float[][] nextTokenLogProbs(TokenBatch batch, IntFunction<Projection> projections) {
        float[][] result = new float[batch.batchSize()][];
        try (NDManager scope = NDManager.newBaseManager(device(), "PyTorch")) {
            NDArray x = residualStream(batch, scope, ResidualObserver.NONE, projections); // [B, S, H]
            for (int row = 0; row < batch.batchSize(); row++) {
                int predicted = batch.length(row) - 1;
                if (predicted == 0) {
                    result[row] = new float[0];
                    continue;
                }
                try (NDManager rowScope = scope.newSubManager()) {
                    NDArray hidden = x.get(rowScope, new NDIndex("{}, :{}", row, predicted)); // [T, H]
                    NDArray logProbs = head(hidden).logSoftmax(1);                              // [T, V], float32
                    int[] ids = batch.ids(row);
                    long[] targets = new long[predicted];
                    for (int t = 0; t < predicted; t++) {
                        targets[t] = ids[t + 1];
                    }
                    NDArray index = rowScope.create(targets, new Shape(predicted, 1));          // [T, 1]
                    result[row] = logProbs.gather(index, 1).toFloatArray();                     // [T, 1]
                }
            }
        }
        return result;
    }

    /**
     * The full forward pass for training: every layer's projections computed by {@code projections.apply(l)}
     * (l = 0..L-1 in this model's numbering), and every activation kept in {@code scope}, none freed per
     * layer, because autograd's backward reads them. The caller closes {@code scope} after its backward.
     *
     * @param scope the manager that owns the activations and the result
     * @return [B, S, V] float32 logits; rows past a sequence's length are padding and meaningless
     */
    public NDArray logitsForTraining(TokenBatch batch, NDManager scope, IntFunction<Projection> projections) {
        NDArray x = embed(batch, scope);                                          // [B, S, H]
        LayerInputs inputs = new LayerInputs(scope, batch.seqLen());
        for (int l = 0; l < layers.size(); l++) {
            DecoderLayer layer = layers.get(l);
            x = layer.forwardForTraining(x, inputs.rotary(), inputs.mask(layer), projections.apply(l)); // in scope
        }
        return head(x);                                                         // [B, S, V]
    }

    /** The token embeddings of the batch, after checking every id against the vocabulary: [B, S, H]. */
    private NDArray embed(TokenBatch batch, NDManager scope) {
        batch.checkIds(config.vocabSize());
        return embedTokens.get(scope, new NDIndex("{}", batch.idsArray(scope)));
    }

    /** What every layer of one batch shares: the rotary tables, and one causal mask per attention window. */
    private final class LayerInputs {

        private final NDManager scope;
        private final int seqLen;
        private final RotaryTables rotary;
        private final Map<Integer, NDArray> masks = new HashMap<>();

        LayerInputs(NDManager scope, int seqLen) {
            this.scope = scope;
            this.seqLen = seqLen;
            NDList tables = rope.tables(scope, seqLen);
            this.rotary = new RotaryTables(tables.get(0), tables.get(1));
        }

        RotaryTables rotary() {
            return rotary;
        }

        /** @return [1, 1, S, S], built once per window and shared by every layer with that window */
        NDArray mask(DecoderLayer layer) {
            return masks.computeIfAbsent(layer.slidingWindow(), w -> CausalMask.of(scope, seqLen, w));
        }
    }

    /** Final norm then lm_head: [..., H] -> [..., V]. */
    private NDArray head(NDArray x) {
        return lmHead.forward(RmsNorm.rmsNorm(x, norm, config.rmsNormEps()));
    }

    /**
     * @return x^(l) [B, S, H] for the last boundary l reached, owned by {@code scope}
     */
    private NDArray residualStream(TokenBatch batch, NDManager scope, ResidualObserver observer) {
        return residualStream(batch, scope, observer, l -> Projection.PLAIN);
    }

    /**
     * @param projections layer l's projections; where it gives {@link Projection#PLAIN} the layer runs its faster
     *     in-place inference path
     */
    private NDArray residualStream(TokenBatch batch, NDManager scope, ResidualObserver observer,
            IntFunction<Projection> projections) {
        NDArray x = embed(batch, scope);                                  // [B, S, H]
        if (!observer.observe(0, x, batch)) {
            return x;
        }
        LayerInputs inputs = new LayerInputs(scope, batch.seqLen());
        for (int l = 0; l < layers.size(); l++) {
            DecoderLayer layer = layers.get(l);
            NDArray mask = inputs.mask(layer);                            // [1, 1, S, S]
            try (NDManager layerScope = scope.newSubManager()) {
                x.attach(layerScope);                                     // x^(l) dies with this scope
                Projection projection = projections.apply(l);
                NDArray next = projection == Projection.PLAIN             // [B, S, H], temporaries in layerScope
                        ? layer.forward(x, inputs.rotary(), mask)
                        : layer.forwardForTraining(x, inputs.rotary(), mask, projection);
                next.attach(scope);                                       // x^(l+1) lives on
                x = next;
            }
            if (!observer.observe(l + 1, x, batch)) {
                break;
            }
        }
        return x;
    }

    @Override
    public void close() {
        if (ownsWeights) {
            weights.close();
        }
    }
}
