package org.layerprune.core.heal;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import java.lang.ref.Reference;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.layerprune.core.model.LlamaConfig;
import org.layerprune.core.model.LlamaModel;
import org.layerprune.core.model.Projection;
import org.layerprune.core.model.Scalars;
import org.layerprune.core.model.TokenBatch;

/**
 * LoRA training of a frozen {@link LlamaModel}, one optimizer update per {@link #step}: every target module of
 * every layer computes {@code x W^T + b + scale * (dropout(x) A^T) B^T}, the loss is the mean next-token
 * cross-entropy over real tokens, gradients reach A and B only, their global norm is clipped to
 * {@link #MAX_GRAD_NORM}, and AdamW (betas 0.9/0.999, eps 1e-8, no weight decay, as the HF Trainer's defaults)
 * updates them at the rate {@link LearningRateSchedule} gives that update.
 *
 * <p>A and B start as PEFT's {@code reset_lora_parameters} sets them: A [r, in] by {@code kaiming_uniform_(a=sqrt(5))},
 * whose bound {@code gain * sqrt(3 / fan_in)} with {@code gain = sqrt(2 / (1 + 5))} is {@code 1 / sqrt(in)}, so
 * A ~ U(-1/sqrt(in), 1/sqrt(in)); B [out, r] = 0, so the adapted model starts as the base model.
 *
 * <p>Memory: A, B and AdamW's moments live in the trainer's manager until {@link #close}; everything a step
 * computes (activations, gradients' handles, the loss) lives in a scope closed before the step returns. Only one
 * step may run at a time in a JVM (DJL allows one {@link GradientCollector}).
 *
 * <p>Legend: B batch, S sequence, V vocabulary, r rank.
 */
public final class LoraTrainer implements AutoCloseable {

    /** {@code max_grad_norm} of the HF Trainer. */
    public static final double MAX_GRAD_NORM = 1.0;

    /** What one optimizer update saw. */
    public record StepResult(double loss, double gradNorm, double gradNormA, double gradNormB, double learningRate) {
    }

    /** How the frozen base projections are stored for the training forward. */
    public enum Quantization {
        /** As loaded (float32): plain LoRA. */
        NONE,
        /**
         * QLoRA ({@code --quant nf4}): every decoder projection's weight (all seven modules of every layer, adapted
         * or not; embeddings, norms and lm_head stay as loaded, as bitsandbytes leaves them) is held as an
         * {@link Nf4Tensor} in blocks of 64 with float32 scales, and each training matmul uses
         * {@code x dequantize(W)^T + b}, the dequantised weight created in the step's scope and freed with it. The
         * bias stays float32. Training thus sees the NF4-rounded base exactly; the model's own float32 weights are
         * untouched (and still held by the model).
         */
        NF4,
        /**
         * {@link #NF4} with QLoRA's double quantisation ({@code --quant nf4-dq}): the block scales themselves held in
         * 8 bits per group of 256 ({@link DoubleQuantizedScales}), about 0.37 bits per weight less.
         */
        NF4_DQ;

        /** The name on the command line and in results: none, nf4, nf4-dq. */
        public String flag() {
            return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
        }
    }

    /**
     * A trainer's resumable state.
     *
     * @param steps     optimizer updates made
     * @param weights   the factors
     * @param optimizer AdamW's update count and moments, per parameter in {@code weights}' order (A then B)
     */
    public record State(long steps, LoraWeights weights, AdamW.State optimizer) {
    }

    /** The factors of one adapted module, both requiring gradients. */
    private record Factors(NDArray a, NDArray b, int in, int out) { // a [r, in], b [out, r]
    }

    private final LlamaModel model;
    private final LoraConfig config;
    private final LearningRateSchedule schedule;
    private final NDManager manager;
    private final List<Map<String, Factors>> layers; // per layer, target module -> factors
    private final AdamW optimizer;
    private final long seed;
    private final Quantization quantization;
    private final List<Map<String, Nf4Tensor>> quantized; // per layer, module -> NF4 weight, filled on first use
    private ByteBuffer scratch; // see scratch(int)
    private long steps;
    private int microBatch; // index of the micro-batch being run, for its dropout masks
    private StepTimes.Clock clock = new StepTimes.Clock(); // the running update's pieces
    private StepTimes lastStepTimes = StepTimes.NONE;

    /**
     * @param seed draws A, and with the step, layer and module seeds every dropout mask, so two trainers with the
     *     same seed, config and batches end with bit-identical factors
     */
    public LoraTrainer(LlamaModel model, LoraConfig config, LearningRateSchedule schedule, long seed) {
        this(model, config, schedule, seed, Quantization.NONE);
    }

    /**
     * @param seed         as {@link #LoraTrainer(LlamaModel, LoraConfig, LearningRateSchedule, long)}
     * @param quantization how the training forward sees the frozen projections; NF4 quantises each weight the first
     *     time a forward uses it and keeps the NF4 copy for the trainer's life
     */
    public LoraTrainer(LlamaModel model, LoraConfig config, LearningRateSchedule schedule, long seed,
            Quantization quantization) {
        recordNoGraph();
        this.model = model;
        this.quantization = quantization;
        List<Map<String, Nf4Tensor>> nf4 = new ArrayList<>();
        for (int layer = 0; layer < model.config().numHiddenLayers(); layer++) {
            nf4.add(new HashMap<>());
        }
        this.quantized = List.copyOf(nf4);
        this.config = config;
        this.schedule = schedule;
        this.manager = NDManager.newBaseManager(model.device(), "PyTorch");
        this.seed = seed;
        SplittableRandom random = new SplittableRandom(seed);
        LlamaConfig c = model.config();
        List<Map<String, Factors>> all = new ArrayList<>();
        for (int layer = 0; layer < c.numHiddenLayers(); layer++) {
            Map<String, Factors> modules = new LinkedHashMap<>();
            for (String module : config.targetModules()) {
                int[] outIn = shape(c, module);
                modules.put(module, factors(random, outIn[0], outIn[1]));
            }
            all.add(modules);
        }
        this.layers = List.copyOf(all);
        this.optimizer = AdamW.trainerDefaults(parameters(), manager);
    }

    /** Every factor, in {@link #weights()}'s order: per layer and module, A then B. */
    private List<NDArray> parameters() {
        List<NDArray> params = new ArrayList<>();
        for (Map<String, Factors> modules : layers) {
            for (Factors f : modules.values()) {
                params.add(f.a());
                params.add(f.b());
            }
        }
        return params;
    }

    /**
     * One optimizer update on {@code batch}: forward, backward, clipping, AdamW; {@link #stepAccumulated} of one
     * micro-batch.
     *
     * @param batch token-id rows, right-padded here to the longest; each needs at least 2 tokens to count
     * @return the loss before the update, the gradients' norms before clipping, the rate used
     */
    public StepResult step(List<int[]> batch) {
        return stepAccumulated(List.of(batch));
    }

    /**
     * One optimizer update from several micro-batches (gradient accumulation): each micro-batch runs its own
     * forward and backward, in turn, and the gradients add up in A's and B's grad tensors before one clipping and
     * one AdamW update.
     *
     * <p>Weighting: micro-batch m contributes {@code sum of its tokens' NLL / N}, N the number of predicted tokens in
     * all micro-batches together, so the summed loss and gradient are exactly those of one step on the union batch
     * (the mean over all its tokens), whatever the rows' lengths (padding is masked and attention is causal). This is
     * what the HF Trainer does since transformers 4.46 when the loss is normalised by {@code num_items_in_batch};
     * its older rule, each micro-batch's mean loss divided by the accumulation count, agrees with this one only
     * when every micro-batch has the same number of predicted tokens (e.g. equal-length rows, equal row counts).
     * The reported loss is the union batch's mean. Each micro-batch gets its own dropout masks (seeded by its index).
     *
     * @param microBatches at least one; each a list of token-id rows as {@link #step} takes, with a token to predict
     * @return the union batch's loss before the update, the accumulated gradients' norms before clipping, the rate
     */
    public StepResult stepAccumulated(List<List<int[]>> microBatches) {
        recordNoGraph(); // the collectors record the forward and backward; clipping and AdamW change leaves in place
        double lr = schedule.lr(steps);
        clock = new StepTimes.Clock();
        try (NDManager scope = manager.newSubManager()) {
            double loss = backward(microBatches, scope);
            long optimizerStart = System.nanoTime();
            // Gradients: handles on A's and B's grad tensors (shared storage), closed with the scope.
            List<NDArray> grads = new ArrayList<>();
            double sumA = 0;
            double sumB = 0;
            for (NDArray param : parameters()) {
                NDArray grad = param.getGradient();
                grad.attach(scope);
                grads.add(grad);
                if (grads.size() % 2 == 1) {
                    sumA += squaredNorm(grad);
                } else {
                    sumB += squaredNorm(grad);
                }
            }
            double norm = Math.sqrt(sumA + sumB);
            // torch's clip_grad_norm_: scale by max_norm / (norm + 1e-6) when that is below 1
            double clip = MAX_GRAD_NORM / (norm + 1e-6);
            if (clip < 1) {
                grads.forEach(grad -> grad.muli(clip));
            }
            optimizer.update(grads, lr);
            grads.forEach(grad -> grad.subi(grad)); // zero for the next backward, which would otherwise add to it
            clock.optimizer += System.nanoTime() - optimizerStart;
            lastStepTimes = clock.times();
            steps++;
            return new StepResult(loss, norm, Math.sqrt(sumA), Math.sqrt(sumB), lr);
        }
    }

    /**
     * Forward and backward over every micro-batch in turn, with {@link #stepAccumulated}'s weighting; the gradients
     * add up in A's and B's grad tensors.
     *
     * @return the union batch's mean loss
     */
    private double backward(List<List<int[]>> microBatches, NDManager scope) {
        if (microBatches.isEmpty()) {
            throw new IllegalArgumentException("no micro-batch to step on");
        }
        List<TokenBatch> batches = microBatches.stream().map(TokenBatch::of).toList();
        long tokens = 0;
        for (TokenBatch batch : batches) {
            tokens += predictedTokens(batch);
        }
        double loss = 0;
        for (int m = 0; m < batches.size(); m++) {
            microBatch = m;
            TokenBatch batch = batches.get(m);
            try (NDManager micro = scope.newSubManager();
                    GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                long start = System.nanoTime();
                NDArray logits = model.logitsForTraining(batch, micro, this::projection); // [B, S, V]
                long forwardEnd = System.nanoTime();
                NDArray lossArray = nextTokenLoss(logits, batch, micro, tokens);         // []
                long lossEnd = System.nanoTime();
                collector.backward(lossArray);
                clock.forward += forwardEnd - start;
                clock.loss += lossEnd - forwardEnd;
                clock.backward += System.nanoTime() - lossEnd;
                loss += lossArray.getFloat();
            }
        }
        return loss;
    }

    /**
     * The accumulated gradients {@link #stepAccumulated} would clip and apply, without applying them (they are
     * zeroed again): per adapted module in {@link #weights()}'s order, dL/dA then dL/dB, flattened.
     */
    List<float[]> gradients(List<List<int[]>> microBatches) {
        recordNoGraph();
        try (NDManager scope = manager.newSubManager()) {
            backward(microBatches, scope);
            List<float[]> grads = new ArrayList<>();
            for (Map<String, Factors> modules : layers) {
                for (Factors f : modules.values()) {
                    for (NDArray param : List.of(f.a(), f.b())) {
                        NDArray grad = param.getGradient();
                        grad.attach(scope);
                        grads.add(grad.toFloatArray());
                        grad.subi(grad);
                    }
                }
            }
            return grads;
        }
    }

    /** Where the last {@link #stepAccumulated} spent its time; {@link StepTimes#NONE} before the first. */
    public StepTimes lastStepTimes() {
        return lastStepTimes;
    }

    /** Optimizer updates made so far. */
    public long steps() {
        return steps;
    }

    /** The current factors, as PEFT stores them, for {@link PeftAdapter#write}. */
    public LoraWeights weights() {
        List<LoraPair> pairs = new ArrayList<>();
        for (int layer = 0; layer < layers.size(); layer++) {
            for (Map.Entry<String, Factors> e : layers.get(layer).entrySet()) {
                Factors f = e.getValue();
                pairs.add(new LoraPair(layer, e.getKey(), f.a().toFloatArray(), f.b().toFloatArray(), f.in(),
                        f.out()));
            }
        }
        return new LoraWeights(pairs);
    }

    /**
     * Everything a resumed trainer needs besides its constructor's arguments: the updates made, the factors and
     * AdamW's moments (dropout masks and the schedule are functions of the seed and the update count).
     */
    public State state() {
        return new State(steps, weights(), optimizer.state());
    }

    /**
     * Puts back a {@link #state()} of a trainer built with the same model shape, config and seed; the next
     * {@link #stepAccumulated} then computes what the original trainer's next step computed.
     *
     * @throws IllegalArgumentException when the factors' layers, modules or shapes differ
     */
    public void restore(State state) {
        recordNoGraph();
        LoraWeights saved = state.weights();
        for (int layer = 0; layer < layers.size(); layer++) {
            for (Map.Entry<String, Factors> e : layers.get(layer).entrySet()) {
                int l = layer;
                LoraPair pair = saved.pair(layer, e.getKey()).orElseThrow(() -> new IllegalArgumentException(
                        "saved state has no factors for layer " + l + " " + e.getKey()));
                Factors f = e.getValue();
                if (pair.in() != f.in() || pair.out() != f.out() || pair.rank() != config.rank()) {
                    throw new IllegalArgumentException("saved factors of layer " + layer + " " + e.getKey()
                            + " are [" + pair.rank() + ", " + pair.in() + "] x [" + pair.out() + ", " + pair.rank()
                            + "], the trainer's [" + config.rank() + ", " + f.in() + "] x [" + f.out() + ", "
                            + config.rank() + "]");
                }
                f.a().set(pair.a());
                f.b().set(pair.b());
            }
        }
        if (saved.pairs().size() != parameters().size() / 2) {
            throw new IllegalArgumentException("saved state has " + saved.pairs().size() + " adapted modules, the"
                    + " trainer " + parameters().size() / 2);
        }
        optimizer.restore(state.optimizer());
        steps = state.steps();
    }

    /**
     * The next-token log-probabilities of the adapted model, as {@link LlamaModel#nextTokenLogProbs(TokenBatch)}
     * gives them for the base model: the base plus
     * {@code scale * B A}, without dropout and without gradients. The base is the model's own weights even under
     * {@link Quantization#NF4}: what is scored is what {@link LoraMerge} writes, the model users ship.
     */
    public float[][] nextTokenLogProbs(TokenBatch batch) {
        recordNoGraph();
        return model.nextTokenLogProbs(batch, layer -> projection(layer, false));
    }

    /** Arrays alive in the trainer's own manager (factors, moments): flat across steps unless something leaks. */
    int managedArrays() {
        return manager.getManagedArrays().size();
    }

    /** Frees the factors and the optimizer's moments; the model is the caller's. */
    @Override
    public void close() {
        manager.close();
    }

    /** Layer {@code layer}'s projections as a training step computes them. */
    private Projection projection(int layer) {
        return projection(layer, true);
    }

    /**
     * Layer {@code layer}'s projections: the targets adapted, the rest as loaded.
     *
     * @param training applies dropout to the adapters' input, as in PEFT's train mode
     */
    private Projection projection(int layer, boolean training) {
        Map<String, Factors> modules = layers.get(layer);
        double scale = config.scale();
        return (module, linear, x) -> {
            Factors f = modules.get(module);
            // Evaluation scores the model that ships (the merged checkpoint): the full-precision base.
            NDArray base = training && quantization != Quantization.NONE
                    ? nf4Forward(layer, module, linear, x)
                    : linear.forward(x);                                        // [..., out]
            if (f == null) {
                return base;
            }
            // Functional linear with x first: results land in x's (the step's) manager, never the trainer's.
            NDArray dropped = training ? dropout(x, layer, module) : x;                            // [..., in]
            NDArray down = ai.djl.nn.core.Linear.linear(dropped, f.a(), null).singletonOrThrow();   // [..., r]
            NDArray up = ai.djl.nn.core.Linear.linear(down, f.b(), null).singletonOrThrow();        // [..., out]
            return base.add(up.mul(Scalars.like(up, scale)));
        };
    }

    /** {@code x W'^T + b} with W' the NF4 round trip of {@code linear}'s weight, dequantised into x's manager. */
    private NDArray nf4Forward(int layer, String module, org.layerprune.core.model.Linear linear, NDArray x) {
        Nf4Tensor weight = quantized.get(layer).computeIfAbsent(module, m -> Nf4Tensor.quantize(
                linear.weight().toFloatArray(), linear.weight().getShape().getShape(), Nf4Tensor.DEFAULT_BLOCK_SIZE,
                quantization == Quantization.NF4_DQ)); // float32 weights
        long start = System.nanoTime();
        ByteBuffer bytes = scratch(weight.size());
        weight.dequantizeInto(bytes.asFloatBuffer());
        NDArray dequantized = ownedCopy(bytes, new Shape(weight.shape()), x.getManager()); // [out, in]
        clock.dequantize += System.nanoTime() - start;
        return ai.djl.nn.core.Linear.linear(x, dequantized, linear.bias()).singletonOrThrow();
    }

    /**
     * The trainer's one staging buffer for arrays drawn or decoded in Java, {@code floats} long, grown when needed.
     * One buffer, reused, because a direct buffer per mask or weight is only freed when the garbage collector runs,
     * which a training loop with a quiet heap rarely makes it do: its native memory piled up by gigabytes.
     * {@link #ownedCopy} copies out of it at once, so the next use may overwrite it.
     */
    private ByteBuffer scratch(int floats) {
        if (scratch == null || scratch.capacity() < Math.multiplyExact(floats, 4)) {
            scratch = ByteBuffer.allocateDirect(Math.multiplyExact(floats, 4)).order(ByteOrder.nativeOrder());
        }
        return scratch.clear().limit(floats * 4).slice().order(ByteOrder.nativeOrder());
    }

    /**
     * An array of {@code bytes} (float32, native order) whose memory the engine owns: the array create() returns
     * may only borrow the buffer's memory, which the JVM could free once the buffer is unreachable, so it is
     * duplicated while the buffer is still held.
     */
    private static NDArray ownedCopy(ByteBuffer bytes, Shape shape, NDManager scope) {
        NDArray owned;
        try (NDArray borrowed = scope.create(bytes, shape, DataType.FLOAT32)) {
            owned = borrowed.duplicate();
        }
        Reference.reachabilityFence(bytes);
        return owned;
    }

    /**
     * Inverted dropout with {@code lora_dropout}, as torch's nn.Dropout in training mode: each element kept with
     * probability 1 - p and scaled by 1 / (1 - p). The mask is drawn in Java from a {@link SplittableRandom} seeded
     * by {@link #maskSeed} (trainer seed, step, layer, module), not from the engine's global generator, so it is
     * reproducible whatever else uses the engine; each adapted module gets its own mask, as PEFT gives each its own
     * dropout module.
     */
    private NDArray dropout(NDArray x, int layer, String module) {
        double p = config.dropout();
        if (p == 0) {
            return x;
        }
        long size = x.getShape().size();
        if (size > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("dropout input of " + size + " values does not fit a Java array");
        }
        long start = System.nanoTime();
        SplittableRandom random = new SplittableRandom(maskSeed(seed, steps, microBatch, layer,
                LoraConfig.moduleOrder(module)));
        float kept = (float) (1.0 / (1.0 - p));
        ByteBuffer bytes = scratch((int) size);
        FloatBuffer mask = bytes.asFloatBuffer();
        for (int i = 0; i < size; i++) {
            mask.put(i, random.nextDouble() >= p ? kept : 0f);
        }
        NDArray owned = ownedCopy(bytes, x.getShape(), x.getManager());
        clock.dropoutMasks += System.nanoTime() - start;
        return x.mul(owned);
    }

    /**
     * Turns autograd's recording off on the calling thread. PyTorch's grad mode is per thread and on by default; DJL
     * turns it off only on the thread that loads the engine and when a gradient collector closes. On any other
     * thread (a service's worker) an update of a factor in place, before the first collector there, is refused
     * ("a leaf Variable that requires grad is being used in an in-place operation"), and an evaluation would build
     * a graph nobody reads.
     */
    private static void recordNoGraph() {
        JniUtils.setGradMode(false);
    }

    /** Seed of one dropout mask: the trainer's seed mixed with the step, micro-batch, layer and module (0..6). */
    static long maskSeed(long seed, long step, int microBatch, int layer, int module) {
        long h = seed;
        for (long part : new long[] {step, microBatch, layer, module}) {
            h = new SplittableRandom(h ^ (part * 0x9E3779B97F4A7C15L)).nextLong();
        }
        return h;
    }

    /**
     * Mean of {@code -log p(id[t+1] | id[..t])} over every real next token of the batch; padding is masked out.
     *
     * @param logits [B, S, V]
     * @return [] float32, in the graph
     */
    static NDArray meanNextTokenLoss(NDArray logits, TokenBatch batch, NDManager scope) {
        return nextTokenLoss(logits, batch, scope, predictedTokens(batch));
    }

    /** Tokens {@link #meanNextTokenLoss} averages over: {@code sum over rows of max(0, length - 1)}. */
    static long predictedTokens(TokenBatch batch) {
        long count = 0;
        for (int r = 0; r < batch.batchSize(); r++) {
            count += Math.max(0, batch.ids(r).length - 1);
        }
        if (count == 0) {
            throw new IllegalArgumentException("no token to predict: every row has fewer than 2 tokens");
        }
        return count;
    }

    /**
     * {@code sum of -log p(id[t+1] | id[..t]) / divisor} over every real next token of the batch.
     *
     * @param logits [B, S, V]
     * @return [] float32, in the graph
     */
    static NDArray nextTokenLoss(NDArray logits, TokenBatch batch, NDManager scope, long divisor) {
        int rows = batch.batchSize();
        int s = batch.seqLen();
        long[] targets = new long[rows * (s - 1)];
        float[] weights = new float[rows * (s - 1)];
        for (int r = 0; r < rows; r++) {
            int[] ids = batch.ids(r);
            for (int t = 0; t + 1 < ids.length; t++) {
                targets[r * (s - 1) + t] = ids[t + 1];
                weights[r * (s - 1) + t] = 1f;
            }
        }
        NDArray logProbs = logits.get(new NDIndex(":, :{}, :", s - 1)).logSoftmax(2);     // [B, S-1, V], float32
        NDArray index = scope.create(targets, new Shape(rows, s - 1, 1));                 // [B, S-1, 1]
        NDArray mask = scope.create(weights, new Shape(rows, s - 1, 1));                  // [B, S-1, 1]
        NDArray sum = logProbs.gather(index, 2).mul(mask).sum().neg();                    // []
        return sum.div(Scalars.like(sum, divisor));
    }

    private static double squaredNorm(NDArray grad) {
        return grad.square().sum().getFloat();
    }

    private Factors factors(SplittableRandom random, int out, int in) {
        int r = config.rank();
        float bound = (float) (1.0 / Math.sqrt(in));
        float[] a = new float[r * in];
        for (int i = 0; i < a.length; i++) {
            a[i] = (float) ((random.nextDouble() * 2 - 1) * bound);
        }
        NDArray arrayA = manager.create(a, new Shape(r, in));
        NDArray arrayB = manager.zeros(new Shape(out, r), DataType.FLOAT32);
        arrayA.setRequiresGradient(true);
        arrayB.setRequiresGradient(true);
        return new Factors(arrayA, arrayB, in, out);
    }

    /** [out, in] of {@code module}'s weight in a model of config {@code c}. */
    public static int[] shape(LlamaConfig c, String module) {
        return switch (module) {
            case "q_proj" -> new int[] {c.queryWidth(), c.hiddenSize()};
            case "k_proj", "v_proj" -> new int[] {c.keyValueWidth(), c.hiddenSize()};
            case "o_proj" -> new int[] {c.hiddenSize(), c.queryWidth()};
            case "gate_proj", "up_proj" -> new int[] {c.intermediateSize(), c.hiddenSize()};
            case "down_proj" -> new int[] {c.hiddenSize(), c.intermediateSize()};
            default -> throw new IllegalArgumentException("unknown target module " + module);
        };
    }
}
