package org.layerprune.core.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.layerprune.core.model.LlamaModel;

/**
 * The rate every benchmark is measured against: a plain float32 product of the MLP's shape, [B*S, H] x [H, I],
 * of random operands on the model's engine and device. Operands are made once and freed by {@link #close}.
 */
final class MatmulBaseline implements AutoCloseable {

    private final NDManager manager;
    private final NDArray a; // [m, k]
    private final NDArray b; // [k, n]
    private final long m;
    private final long k;
    private final long n;

    MatmulBaseline(LlamaModel model, int batch, int seq) {
        this.m = (long) batch * seq;
        this.k = model.config().hiddenSize();
        this.n = model.config().intermediateSize();
        this.manager = NDManager.newBaseManager(model.device(), "PyTorch");
        this.a = manager.randomNormal(new Shape(m, k));
        this.b = manager.randomNormal(new Shape(k, n));
    }

    /** FLOPs of one product. */
    double flops() {
        return FlopCount.matmul(m, k, n);
    }

    /** {m, k, n}. */
    long[] shape() {
        return new long[] {m, k, n};
    }

    /** Products per round that add up to about {@code flops}, at least one: rounds as long as the timed work's. */
    int repeatsFor(double flops) {
        return (int) Math.max(1, Math.round(flops / flops()));
    }

    /** @return seconds per product, over {@code repeats} products */
    double secondsPerProduct(int repeats) {
        long start = System.nanoTime();
        for (int i = 0; i < repeats; i++) {
            try (NDManager scope = manager.newSubManager()) {
                NDArray product = a.matMul(b);
                product.attach(scope);
                product.getFloat(0, 0); // forces completion on asynchronous devices
            }
        }
        return (System.nanoTime() - start) / 1e9 / repeats;
    }

    @Override
    public void close() {
        manager.close();
    }
}
