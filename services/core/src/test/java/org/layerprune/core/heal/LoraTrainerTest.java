package org.layerprune.core.heal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.layerprune.core.data.JsonlDataset;
import org.layerprune.core.data.Sequence;
import org.layerprune.core.eval.EvalProgress;
import org.layerprune.core.eval.LossEvaluation;
import org.layerprune.core.model.Linear;
import org.layerprune.core.model.LlamaModel;
import org.layerprune.core.model.Projection;
import org.layerprune.core.model.TokenBatch;
import org.layerprune.core.testing.Fixtures;

/** LoRA training on the stories260K checkpoint (5 layers, H 64, I 172, V 512) with its calibration lines. */
class LoraTrainerTest {

    private static final int BATCH = 8;

    private static LlamaModel model;
    private static List<int[]> calib;

    @BeforeAll
    static void load() throws IOException {
        model = LlamaModel.load(Fixtures.stories260K(), Device.cpu());
        try (Stream<Sequence> lines = JsonlDataset.of(Fixtures.require("data/stories260K/calib.jsonl")).stream()) {
            calib = lines.map(Sequence::ids).toList();
        }
    }

    @AfterAll
    static void close() {
        if (model != null) {
            model.close();
        }
    }

    @Test
    void startsAtTheBaseModelsLossWhileBIsZero() {
        // rows of different lengths, so that padding has to be masked
        List<int[]> batch = List.of(calib.get(0), Arrays.copyOf(calib.get(1), 100), Arrays.copyOf(calib.get(2), 37),
                Arrays.copyOf(calib.get(3), 2));
        double nll = 0;
        long tokens = 0;
        for (float[] row : model.nextTokenLogProbs(TokenBatch.of(batch))) {
            for (float logProb : row) {
                nll -= logProb;
            }
            tokens += row.length;
        }
        LoraConfig lora = new LoraConfig(8, 16, 0.05, List.of("q_proj", "v_proj", "gate_proj", "up_proj",
                "down_proj"));
        try (LoraTrainer trainer = new LoraTrainer(model, lora, new LearningRateSchedule(1e-2, 0, 30), 7)) {
            assertEquals(nll / tokens, trainer.step(batch).loss(), 1e-5);
        }
    }

    @Test
    void gradientReachesOnlyBOnTheFirstStepThenBoth() {
        try (LoraTrainer trainer = new LoraTrainer(model, LoraConfig.ofRank(8), new LearningRateSchedule(1e-2, 0, 30),
                1)) {
            LoraTrainer.StepResult first = trainer.step(calib.subList(0, BATCH));
            // dL/dA = scale * B^T (dL/dy)^T x = 0 while B = 0; dL/dB = scale * (dL/dy)^T (x A^T), nonzero
            assertEquals(0.0, first.gradNormA());
            assertTrue(first.gradNormB() > 0, "B's gradient is zero");
            assertTrue(trainer.weights().pairs().stream().allMatch(pair -> nonZero(pair.b())), "B did not move");
            LoraTrainer.StepResult second = trainer.step(calib.subList(BATCH, 2 * BATCH));
            assertTrue(second.gradNormA() > 0, "A's gradient is still zero once B has moved");
        }
    }

    /**
     * Autograd's dL/dA and dL/dB against central finite differences of the loss, on the largest gradient entries of
     * an attention and an MLP module, with random nonzero factors (so A's gradient is not zero) and no dropout.
     */
    @Test
    void gradientsMatchFiniteDifferencesOfTheLoss() {
        LoraConfig lora = new LoraConfig(4, 8, 0.0, List.of("q_proj", "down_proj"));
        List<int[]> batch = List.of(Arrays.copyOf(calib.get(5), 40), Arrays.copyOf(calib.get(6), 25));
        try (LoraTrainer trainer = new LoraTrainer(model, lora, new LearningRateSchedule(1e-2, 0, 30), 3)) {
            LoraWeights start = LoraFixtures.randomWeights(model.config(), lora, 9, 0.1);
            trainer.restore(new LoraTrainer.State(0, start, trainer.state().optimizer()));
            List<float[]> grads = trainer.gradients(List.of(batch));
            double eps = 1e-2;
            int checked = 0;
            for (int param = 0; param < grads.size(); param += 3) { // layer 0 q_proj A, layer 0 down_proj B, ...
                float[] grad = grads.get(param);
                int at = argMaxAbs(grad);
                double plus = lossWith(trainer, start, param, at, eps, batch);
                double minus = lossWith(trainer, start, param, at, -eps, batch);
                double numeric = (plus - minus) / (2 * eps);
                assertEquals(grad[at], numeric, 0.02 * Math.abs(grad[at]) + 1e-3, "parameter " + param + "[" + at
                        + "]");
                checked++;
            }
            assertTrue(checked >= 4, "checked " + checked);
        }
    }

    /** The batch's mean loss with entry {@code at} of parameter {@code param} (A, B, A, B, ...) moved by delta. */
    private static double lossWith(LoraTrainer trainer, LoraWeights start, int param, int at, double delta,
            List<int[]> batch) {
        List<LoraPair> pairs = new ArrayList<>();
        for (int i = 0; i < start.pairs().size(); i++) {
            LoraPair p = start.pairs().get(i);
            float[] a = p.a().clone();
            float[] b = p.b().clone();
            if (param == 2 * i) {
                a[at] += (float) delta;
            } else if (param == 2 * i + 1) {
                b[at] += (float) delta;
            }
            pairs.add(new LoraPair(p.layer(), p.module(), a, b, p.in(), p.out()));
        }
        trainer.restore(new LoraTrainer.State(0, new LoraWeights(pairs), trainer.state().optimizer()));
        return LossEvaluation.run(trainer::nextTokenLogProbs, model.config().vocabSize(), batch, batch.size(),
                EvalProgress.NONE, () -> false).loss();
    }

    private static int argMaxAbs(float[] values) {
        int best = 0;
        for (int i = 1; i < values.length; i++) {
            if (Math.abs(values[i]) > Math.abs(values[best])) {
                best = i;
            }
        }
        return best;
    }

    @Test
    void lowersTheTrainingLossAndLeavesTheBaseWeightsAlone() {
        Map<String, byte[]> before = baseWeights();
        int baseArrays = model.weightsManager().getManagedArrays().size();
        List<Double> losses = new ArrayList<>();
        int arraysAfterFirst = -1;
        try (LoraTrainer trainer = new LoraTrainer(model, LoraConfig.ofRank(8), new LearningRateSchedule(1e-2, 0, 30),
                42)) {
            for (int step = 0; step < 30; step++) {
                // One batch, over and over: on a model already trained on such text, a fresh batch each step
                // moved the loss less than batches differ (measured: first-5 2.95, last-5 3.03); a repeated
                // one shows the optimiser at work.
                LoraTrainer.StepResult result = trainer.step(calib.subList(0, BATCH));
                losses.add(result.loss());
                int arrays = trainer.managedArrays();
                if (step == 1) {
                    arraysAfterFirst = arrays;
                } else if (step > 1) {
                    assertEquals(arraysAfterFirst, arrays, "arrays pile up in the trainer's manager");
                }
            }
        }
        double first = losses.subList(0, 5).stream().mapToDouble(Double::doubleValue).average().orElseThrow();
        double last = losses.subList(25, 30).stream().mapToDouble(Double::doubleValue).average().orElseThrow();
        // measured (dropout 0.05, seeded masks): first-5 mean 2.39, last-5 mean 1.48
        // (engine-drawn masks, before seeding: 2.34 and 1.48)
        assertTrue(last < first - 0.5, "first-5 mean " + first + ", last-5 mean " + last);
        assertEquals(baseArrays, model.weightsManager().getManagedArrays().size());
        Map<String, byte[]> after = baseWeights();
        assertEquals(before.keySet(), after.keySet());
        before.forEach((uid, bytes) -> assertArrayEquals(bytes, after.get(uid), uid));
    }

    /**
     * Garbage collections during training change nothing: an array the engine keeps for the backward pass must not
     * live in memory the collector can free (DJL's {@code mul(Number)} wraps the number in a Java buffer and closes it
     * at once; a collection in between freed the buffer under autograd, and gradients came out different or NaN).
     */
    @Test
    void collectionsDuringTrainingChangeNothing() throws InterruptedException {
        LoraConfig lora = new LoraConfig(8, 16, 0.05, List.of("q_proj", "v_proj", "gate_proj", "up_proj",
                "down_proj"));
        LoraWeights quiet = train(lora, 3, 6);
        java.util.concurrent.atomic.AtomicBoolean running = new java.util.concurrent.atomic.AtomicBoolean(true);
        Thread collector = new Thread(() -> {
            while (running.get()) {
                System.gc();
                byte[][] churn = new byte[64][];
                for (int i = 0; i < churn.length; i++) {
                    churn[i] = new byte[4096]; // native memory freed by the collection gets reused
                }
                try {
                    Thread.sleep(2);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        collector.start();
        LoraWeights collected;
        try {
            collected = train(lora, 3, 6);
        } finally {
            running.set(false);
            collector.join();
        }
        assertEquals(quiet, collected);
    }

    /** A service trains on its worker threads, where the engine was not loaded and grad mode starts on. */
    @Test
    void trainsRestoresAndScoresOnAThreadOfItsOwn() throws InterruptedException {
        LoraConfig lora = LoraConfig.ofRank(4);
        LoraWeights onMain = train(lora, 5, 2);
        java.util.concurrent.atomic.AtomicReference<Object> outcome = new java.util.concurrent.atomic.AtomicReference<>();
        Thread worker = new Thread(() -> {
            try (LoraTrainer trainer = new LoraTrainer(model, lora, new LearningRateSchedule(1e-2, 0, 30), 5)) {
                trainer.restore(trainer.state()); // a resumed run restores before its first step
                for (int step = 0; step < 2; step++) {
                    trainer.step(calib.subList(step * 4, step * 4 + 4));
                }
                trainer.nextTokenLogProbs(TokenBatch.of(calib.subList(0, 2)));
                outcome.set(trainer.weights());
            } catch (RuntimeException e) {
                outcome.set(e);
            }
        });
        worker.start();
        worker.join();
        assertEquals(onMain, outcome.get());
    }

    @Test
    void sameSeedSameFactorsOtherSeedOtherFactors() {
        LoraConfig lora = new LoraConfig(8, 16, 0.1, List.of("q_proj", "v_proj", "gate_proj", "up_proj",
                "down_proj"));
        LoraWeights first = train(lora, 3, 5);
        LoraWeights again = train(lora, 3, 5);
        LoraWeights other = train(lora, 4, 5);
        assertEquals(first.pairs().size(), again.pairs().size());
        boolean differs = false;
        for (int i = 0; i < first.pairs().size(); i++) {
            assertArrayEquals(first.pairs().get(i).a(), again.pairs().get(i).a(), "A of pair " + i);
            assertArrayEquals(first.pairs().get(i).b(), again.pairs().get(i).b(), "B of pair " + i);
            differs |= !Arrays.equals(first.pairs().get(i).b(), other.pairs().get(i).b());
        }
        assertTrue(differs, "another seed gave the same factors");
    }

    @Test
    void dropoutMasksDependOnStepMicroBatchLayerAndModule() {
        long base = LoraTrainer.maskSeed(1, 0, 0, 0, 0);
        assertTrue(base != LoraTrainer.maskSeed(1, 1, 0, 0, 0));
        assertTrue(base != LoraTrainer.maskSeed(1, 0, 1, 0, 0));
        assertTrue(base != LoraTrainer.maskSeed(1, 0, 0, 1, 0));
        assertTrue(base != LoraTrainer.maskSeed(1, 0, 0, 0, 1));
        assertTrue(base != LoraTrainer.maskSeed(2, 0, 0, 0, 0));
        assertEquals(base, LoraTrainer.maskSeed(1, 0, 0, 0, 0));
    }

    @Test
    void twoMicroBatchesOfFourStepLikeOneBatchOfEight() {
        // rows of different lengths: the token-weighted accumulation matches the union batch even then
        List<int[]> rows = new ArrayList<>();
        for (int i = 0; i < BATCH; i++) {
            rows.add(Arrays.copyOf(calib.get(i), 64));
        }
        LoraConfig lora = new LoraConfig(8, 16, 0, List.of("q_proj", "v_proj", "gate_proj", "up_proj", "down_proj"));
        LearningRateSchedule schedule = new LearningRateSchedule(1e-2, 0, 30);
        try (LoraTrainer whole = new LoraTrainer(model, lora, schedule, 5);
                LoraTrainer split = new LoraTrainer(model, lora, schedule, 5)) {
            List<List<int[]>> halves = List.of(rows.subList(0, 4), rows.subList(4, 8));
            // The accumulated gradients (before any update: dL/dB; dL/dA is 0 while B = 0) agree to 1e-6.
            List<float[]> expected = whole.gradients(List.of(rows));
            List<float[]> actual = split.gradients(halves);
            assertEquals(expected.size(), actual.size());
            for (int i = 0; i < expected.size(); i++) {
                assertArrayEquals(expected.get(i), actual.get(i), 1e-6f, "gradient " + i);
                assertTrue(i % 2 == 0 || nonZero(expected.get(i)), "gradient " + i + " is zero");
            }
            LoraTrainer.StepResult one = whole.step(rows);
            LoraTrainer.StepResult two = split.stepAccumulated(halves);
            assertEquals(one.loss(), two.loss(), 1e-6);
            assertEquals(one.gradNorm(), two.gradNorm(), 1e-6 * one.gradNorm());
            // The weights after that step agree to 1e-6 except where a gradient is near AdamW's eps (1e-8): the
            // first update lr * g / (|g| + eps) then magnifies float rounding (measured: up to 3e-5 at such a B).
            List<LoraPair> before = whole.weights().pairs();
            List<LoraPair> after = split.weights().pairs();
            for (int i = 0; i < before.size(); i++) {
                assertArrayEquals(before.get(i).a(), after.get(i).a(), 1e-6f, "A of pair " + i);
                assertArrayEquals(before.get(i).b(), after.get(i).b(), 1e-4f, "B of pair " + i);
            }
        }
    }

    @Test
    void nf4TrainingSeesTheRoundTrippedBaseAndStillLearns() {
        List<int[]> batch = calib.subList(0, BATCH);
        LoraConfig lora = new LoraConfig(8, 16, 0, List.of("q_proj", "v_proj", "gate_proj", "up_proj", "down_proj"));
        LearningRateSchedule schedule = new LearningRateSchedule(1e-2, 0, 30);
        double full;
        try (LoraTrainer trainer = new LoraTrainer(model, lora, schedule, 9)) {
            full = trainer.step(batch).loss();
        }
        double roundTripped = roundTripLoss(batch, false);
        List<Double> losses = new ArrayList<>();
        try (LoraTrainer trainer = new LoraTrainer(model, lora, schedule, 9, LoraTrainer.Quantization.NF4)) {
            for (int step = 0; step < 30; step++) {
                losses.add(trainer.step(batch).loss());
            }
        }
        double nf4 = losses.get(0);
        assertEquals(roundTripped, nf4, 1e-6);
        // measured: full precision 2.8761, NF4 5.3362. Not small: stories260K's 4-bit base is far from its float32
        // one (H 64; a larger model loses much less), so only that they differ is asserted here.
        assertTrue(Math.abs(nf4 - full) > 1e-3, "full " + full + ", nf4 " + nf4);
        double first = losses.subList(0, 5).stream().mapToDouble(Double::doubleValue).average().orElseThrow();
        double last = losses.subList(25, 30).stream().mapToDouble(Double::doubleValue).average().orElseThrow();
        // measured: first-5 mean 3.70, last-5 mean 1.45 (the round trip matched the NF4 loss bit for bit)
        assertTrue(last < first - 0.5, "first-5 mean " + first + ", last-5 mean " + last);
    }

    @Test
    void doubleQuantisedNf4TrainingSeesItsOwnRoundTrip() {
        List<int[]> batch = calib.subList(0, BATCH);
        LoraConfig lora = new LoraConfig(8, 16, 0, List.of("gate_proj", "up_proj", "down_proj"));
        LearningRateSchedule schedule = new LearningRateSchedule(1e-2, 0, 30);
        double dq;
        try (LoraTrainer trainer = new LoraTrainer(model, lora, schedule, 9, LoraTrainer.Quantization.NF4_DQ)) {
            dq = trainer.step(batch).loss();
        }
        assertEquals(roundTripLoss(batch, true), dq, 1e-6);
        assertTrue(Math.abs(dq - roundTripLoss(batch, false)) > 1e-6, "double quantisation changed nothing");
    }

    /**
     * Independently of the trainer: the batch's loss with every projection weight replaced by its NF4 round trip
     * (blocks of 64, scales double quantised or not), and no adapter term.
     */
    private static double roundTripLoss(List<int[]> batch, boolean doubleQuant) {
        List<ByteBuffer> held = new ArrayList<>();
        try (NDManager scope = model.weightsManager().newSubManager()) {
            TokenBatch tokens = TokenBatch.of(batch);
            Projection nf4 = (module, linear, x) -> {
                float[] w = Nf4Tensor.quantize(linear.weight().toFloatArray(), linear.weight().getShape().getShape(),
                        Nf4Tensor.DEFAULT_BLOCK_SIZE, doubleQuant).dequantize();
                ByteBuffer bytes = ByteBuffer.allocateDirect(w.length * 4).order(ByteOrder.nativeOrder());
                bytes.asFloatBuffer().put(w);
                held.add(bytes);
                NDArray weight = x.getManager().create(bytes, linear.weight().getShape(), DataType.FLOAT32);
                return new Linear(weight, linear.bias()).forward(x);
            };
            NDArray logits = model.logitsForTraining(tokens, scope, layer -> nf4);
            return LoraTrainer.meanNextTokenLoss(logits, tokens, scope).getFloat();
        }
    }

    private static LoraWeights train(LoraConfig lora, long seed, int steps) {
        try (LoraTrainer trainer = new LoraTrainer(model, lora, new LearningRateSchedule(1e-2, 0, 30), seed)) {
            for (int step = 0; step < steps; step++) {
                trainer.step(calib.subList(step * 4, step * 4 + 4));
            }
            return trainer.weights();
        }
    }

    private static Map<String, byte[]> baseWeights() {
        Map<String, byte[]> bytes = new HashMap<>();
        for (NDArray array : model.weightsManager().getManagedArrays()) {
            bytes.put(array.getUid(), array.toByteArray());
        }
        return bytes;
    }

    private static boolean nonZero(float[] values) {
        for (float v : values) {
            if (v != 0) {
                return true;
            }
        }
        return false;
    }
}
