package org.layerprune.core.heal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** {@link AdamW} against torch.optim.AdamW's update rule written out in double precision. */
class AdamWTest {

    private static final double LR = 1e-2;

    @Test
    void followsTorchsAdamWRuleIncludingBiasCorrectionAndWeightDecay() {
        SplittableRandom random = new SplittableRandom(3);
        float[] start = LoraFixtures.gaussians(random, 6, 1.0);
        float[][] grads = new float[5][];
        for (int t = 0; t < grads.length; t++) {
            grads[t] = LoraFixtures.gaussians(random, 6, 0.5 + t);
        }
        double[] expected = reference(start, grads, 0.9, 0.999, 1e-8, 0.1);
        try (NDManager manager = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
            NDArray param = manager.create(start.clone(), new Shape(2, 3));
            AdamW adam = new AdamW(List.of(param), manager, 0.9, 0.999, 1e-8, 0.1);
            for (float[] g : grads) {
                adam.update(List.of(manager.create(g, new Shape(2, 3))), LR);
            }
            float[] ours = param.toFloatArray();
            for (int i = 0; i < ours.length; i++) {
                assertEquals(expected[i], ours[i], 1e-6, "element " + i);
            }
            assertEquals(5, adam.updates());
        }
    }

    @Test
    void aRestoredOptimizerContinuesBitForBit() {
        SplittableRandom random = new SplittableRandom(5);
        float[] start = LoraFixtures.gaussians(random, 8, 1.0);
        float[][] grads = new float[6][];
        for (int t = 0; t < grads.length; t++) {
            grads[t] = LoraFixtures.gaussians(random, 8, 1.0);
        }
        try (NDManager manager = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
            NDArray straight = manager.create(start.clone(), new Shape(8));
            AdamW through = AdamW.trainerDefaults(List.of(straight), manager);
            for (float[] g : grads) {
                through.update(List.of(manager.create(g, new Shape(8))), LR);
            }

            NDArray first = manager.create(start.clone(), new Shape(8));
            AdamW before = AdamW.trainerDefaults(List.of(first), manager);
            for (int t = 0; t < 3; t++) {
                before.update(List.of(manager.create(grads[t], new Shape(8))), LR);
            }
            NDArray resumed = manager.create(first.toFloatArray(), new Shape(8));
            AdamW after = AdamW.trainerDefaults(List.of(resumed), manager);
            after.restore(before.state());
            for (int t = 3; t < 6; t++) {
                after.update(List.of(manager.create(grads[t], new Shape(8))), LR);
            }
            assertArrayEquals(straight.toFloatArray(), resumed.toFloatArray());
        }
    }

    @Test
    void refusesAStateOfOtherParameters() {
        try (NDManager manager = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
            AdamW small = AdamW.trainerDefaults(List.of(manager.zeros(new Shape(3))), manager);
            AdamW large = AdamW.trainerDefaults(List.of(manager.zeros(new Shape(4))), manager);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> large.restore(small.state()));
            assertEquals("exp_avg of parameter 0 has 3 values, the parameter 4", e.getMessage());
        }
    }

    /** torch.optim.AdamW's single-tensor step, in double. */
    private static double[] reference(float[] start, float[][] grads, double b1, double b2, double eps, double wd) {
        double[] p = new double[start.length];
        double[] m = new double[start.length];
        double[] v = new double[start.length];
        for (int i = 0; i < p.length; i++) {
            p[i] = start[i];
        }
        for (int t = 1; t <= grads.length; t++) {
            double bc1 = 1 - Math.pow(b1, t);
            double bc2 = 1 - Math.pow(b2, t);
            for (int i = 0; i < p.length; i++) {
                double g = grads[t - 1][i];
                p[i] *= 1 - LR * wd;
                m[i] = b1 * m[i] + (1 - b1) * g;
                v[i] = b2 * v[i] + (1 - b2) * g * g;
                p[i] -= LR / bc1 * m[i] / (Math.sqrt(v[i]) / Math.sqrt(bc2) + eps);
            }
        }
        return p;
    }
}
