package org.layerprune.core.heal;

/**
 * Where one {@link LoraTrainer} update spent its wall time, in seconds, summed over its micro-batches: each piece
 * timed with {@link System#nanoTime} around it inside the step. On the CPU the engine finishes an op before it
 * returns, so these are the pieces' own times; on an asynchronous device they are the times to queue the ops.
 *
 * @param forward      the training forward with its graph: embedding, layers, final norm, lm_head; includes
 *                     {@code dequantize} and {@code dropoutMasks}
 * @param dequantize   NF4 to float32 of every frozen projection, in Java, and its copy into the engine (0 without NF4)
 * @param dropoutMasks the adapters' dropout masks, drawn in Java and copied into the engine
 * @param loss         log-softmax over the vocabulary, the targets' gather and the masked sum
 * @param backward     autograd's backward from the loss
 * @param optimizer    gradient norms, clipping, AdamW and zeroing the gradients
 */
public record StepTimes(double forward, double dequantize, double dropoutMasks, double loss, double backward,
        double optimizer) {

    /** Before the first update. */
    public static final StepTimes NONE = new StepTimes(0, 0, 0, 0, 0, 0);

    /** Nanoseconds per piece, added up during one update. */
    static final class Clock {
        long forward;
        long dequantize;
        long dropoutMasks;
        long loss;
        long backward;
        long optimizer;

        StepTimes times() {
            return new StepTimes(forward / 1e9, dequantize / 1e9, dropoutMasks / 1e9, loss / 1e9, backward / 1e9,
                    optimizer / 1e9);
        }
    }
}
