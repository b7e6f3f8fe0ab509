package org.layerprune.core.heal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class LearningRateScheduleTest {

    private static final double PEAK = 3e-4;

    private final LearningRateSchedule paper = LearningRateSchedule.paperDefaults();

    @Test
    void defaultsToThePapersPeak3em4With100WarmupStepsOf5000() {
        assertEquals(new LearningRateSchedule(3e-4, 100, 5000), paper);
    }

    @Test
    void warmsUpLinearlyFromZeroOverTheFirst100Updates() {
        assertEquals(0.0, paper.lr(0));
        assertEquals(PEAK * (1.0 / 100.0), paper.lr(1));
        assertEquals(PEAK * (50.0 / 100.0), paper.lr(50));
        assertEquals(PEAK * (99.0 / 100.0), paper.lr(99));
    }

    @Test
    void decaysAlongHalfACosineFromThePeakAfterWarmupToZeroAtTheLastStep() {
        assertEquals(PEAK, paper.lr(100));
        // written out: 0.5 * (1 + cos(pi * (s - 100) / 4900)), the halfway point at s = 2550
        assertEquals(PEAK * (0.5 * (1.0 + Math.cos(Math.PI * 2450.0 / 4900.0))), paper.lr(2550));
        assertEquals(PEAK / 2, paper.lr(2550), 1e-18);
        assertEquals(PEAK * (0.5 * (1.0 + Math.cos(Math.PI * 4899.0 / 4900.0))), paper.lr(4999));
        assertEquals(0.0, paper.lr(5000));
    }

    @Test
    void neverGoesNegativeNorDividesByZeroWhenWarmupOutlastsTheRun() {
        LearningRateSchedule schedule = new LearningRateSchedule(1e-3, 10, 5);
        assertEquals(1e-3 * (3.0 / 10.0), schedule.lr(3));
        assertEquals(1e-3 * (5.0 / 10.0), schedule.lr(5));
        assertEquals(1e-3, schedule.lr(10)); // progress (10 - 10) / max(1, 5 - 10) = 0
        assertEquals(0.0, schedule.lr(11)); // progress 1: cos(pi) = -1
    }

    @Test
    void holdsThePeakFromStepZeroWithoutWarmup() {
        LearningRateSchedule schedule = new LearningRateSchedule(2e-4, 0, 0);
        assertEquals(2e-4, schedule.lr(0));
    }

    @Test
    void refusesNegativeStepsAndPeaks() {
        assertThrows(IllegalArgumentException.class, () -> paper.lr(-1));
        assertThrows(IllegalArgumentException.class, () -> new LearningRateSchedule(-1e-4, 100, 5000));
        assertThrows(IllegalArgumentException.class, () -> new LearningRateSchedule(Double.NaN, 100, 5000));
        assertThrows(IllegalArgumentException.class, () -> new LearningRateSchedule(3e-4, -1, 5000));
        assertThrows(IllegalArgumentException.class, () -> new LearningRateSchedule(3e-4, 100, -1));
    }
}
