package org.layerprune.core.heal;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.Random;

/**
 * Prints how long NF4 quantisation and dequantisation of a [4096, 4096] weight take in plain Java. Asserts nothing:
 * run it by hand after {@code mvn -o -q -pl services/core test-compile},
 * {@code java -cp services/core/target/classes:services/core/target/test-classes
 * org.layerprune.core.heal.Nf4DequantizeTiming [rows cols]}.
 */
public final class Nf4DequantizeTiming {

    private static final int WARMUP = 5;
    private static final int RUNS = 10;

    private Nf4DequantizeTiming() {
    }

    public static void main(String[] args) {
        int rows = args.length > 0 ? Integer.parseInt(args[0]) : 4096;
        int cols = args.length > 1 ? Integer.parseInt(args[1]) : 4096;
        float[] values = new float[rows * cols];
        Random random = new Random(1);
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) (0.02 * random.nextGaussian());
        }
        long[] shape = {rows, cols};
        for (boolean doubleQuant : new boolean[] {false, true}) {
            long start = System.nanoTime();
            Nf4Tensor t = Nf4Tensor.quantize(values, shape, Nf4Tensor.DEFAULT_BLOCK_SIZE, doubleQuant);
            double quantizeMs = (System.nanoTime() - start) / 1e6;

            float[] out = new float[t.size()];
            FloatBuffer direct = ByteBuffer.allocateDirect(4 * t.size()).order(ByteOrder.nativeOrder())
                    .asFloatBuffer();
            double[] arrayMs = time(() -> t.dequantizeInto(out));
            double[] bufferMs = time(() -> {
                direct.clear();
                t.dequantizeInto(direct);
            });
            System.out.printf("%s: quantize %.0f ms (one cold run); dequantize into float[] min %.1f median %.1f ms;"
                    + " into direct FloatBuffer min %.1f median %.1f ms%n", t, quantizeMs, arrayMs[0], arrayMs[1],
                    bufferMs[0], bufferMs[1]);
        }
    }

    /** {min, median} milliseconds over RUNS runs after WARMUP. */
    private static double[] time(Runnable task) {
        for (int i = 0; i < WARMUP; i++) {
            task.run();
        }
        double[] ms = new double[RUNS];
        for (int i = 0; i < RUNS; i++) {
            long start = System.nanoTime();
            task.run();
            ms[i] = (System.nanoTime() - start) / 1e6;
        }
        Arrays.sort(ms);
        return new double[] {ms[0], ms[RUNS / 2]};
    }
}
