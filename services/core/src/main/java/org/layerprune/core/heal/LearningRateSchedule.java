package org.layerprune.core.heal;

/**
 * The learning rate of a healing run: linear warmup to the peak, then half a cosine down to zero, exactly as
 * transformers' {@code get_cosine_schedule_with_warmup} (the {@code lr_scheduler_type="cosine"} of the paper's HF
 * Trainer run) with {@code num_cycles=0.5}.
 *
 * <p>Step {@code s} is 0-based: {@link #lr(long)} is the rate of optimizer update number {@code s}, as
 * {@code LambdaLR} hands it out before its first {@code scheduler.step()}.
 *
 * @param peak {@code learning_rate}: the rate reached at the end of warmup; finite, at least 0
 * @param warmupSteps {@code num_warmup_steps}: steps of linear warmup from 0; at least 0, may exceed the total
 * @param totalSteps {@code num_training_steps}: the step at which the cosine reaches 0; at least 0
 */
public record LearningRateSchedule(double peak, long warmupSteps, long totalSteps) {

    /** The paper's peak learning rate. */
    public static final double PAPER_PEAK = 3e-4;

    /** The paper's warmup steps. */
    public static final long PAPER_WARMUP_STEPS = 100;

    /** The paper's training steps. */
    public static final long PAPER_TOTAL_STEPS = 5000;

    /** transformers' default {@code num_cycles}: half a cosine, from the peak down to 0. */
    static final double NUM_CYCLES = 0.5;

    public LearningRateSchedule {
        if (!(peak >= 0) || Double.isInfinite(peak)) {
            throw new IllegalArgumentException("learning_rate must be finite and at least 0, not " + peak);
        }
        if (warmupSteps < 0) {
            throw new IllegalArgumentException("num_warmup_steps must be at least 0, not " + warmupSteps);
        }
        if (totalSteps < 0) {
            throw new IllegalArgumentException("num_training_steps must be at least 0, not " + totalSteps);
        }
    }

    /** The paper's schedule: peak 3e-4, 100 warmup steps, 5000 steps. */
    public static LearningRateSchedule paperDefaults() {
        return new LearningRateSchedule(PAPER_PEAK, PAPER_WARMUP_STEPS, PAPER_TOTAL_STEPS);
    }

    /**
     * The learning rate of optimizer update {@code step}: {@code peak * lr_lambda(step)}, as {@code LambdaLR}
     * multiplies the base rate by the lambda. Past {@code totalSteps} the formula is followed as transformers
     * follows it (the cosine climbs again), since a trainer never asks for those steps.
     *
     * @param step 0-based update number, at least 0
     */
    public double lr(long step) {
        if (step < 0) {
            throw new IllegalArgumentException("step must be at least 0, not " + step);
        }
        return peak * multiplier(step);
    }

    /** transformers' {@code _get_cosine_schedule_with_warmup_lr_lambda}, line for line. */
    private double multiplier(long step) {
        if (step < warmupSteps) {
            return (double) step / (double) Math.max(1, warmupSteps);
        }
        double progress = (double) (step - warmupSteps) / (double) Math.max(1, totalSteps - warmupSteps);
        return Math.max(0.0, 0.5 * (1.0 + Math.cos(Math.PI * NUM_CYCLES * 2.0 * progress)));
    }
}
