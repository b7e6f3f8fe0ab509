package org.layerprune.control.view;

import java.time.Instant;
import org.layerprune.contracts.events.HealProgress;

/**
 * The latest {@code heal.progress} of a variant.
 *
 * @param step optimizer updates done
 * @param totalSteps the run's updates
 * @param loss the last step's training loss, nats
 * @param learningRate the rate the last step used
 * @param tokensPerSecond training throughput
 * @param evalLoss held-out loss when measured at this step, else null
 * @param time when the step finished
 */
public record HealStatus(long step, long totalSteps, double loss, double learningRate, double tokensPerSecond,
        Double evalLoss, Instant time) {

    static HealStatus of(HealProgress event) {
        return new HealStatus(event.step(), event.totalSteps(), event.loss(), event.learningRate(),
                event.tokensPerSecond(), event.evalLoss().isPresent() ? event.evalLoss().getAsDouble() : null,
                event.time());
    }

    /**
     * Whether this report is newer than {@code other}: later, or as late and further on. A worker that resumes a heal
     * from a checkpoint reports steps again that an earlier worker reported, later: the later report wins.
     */
    boolean newerThan(HealStatus other) {
        int byTime = time.compareTo(other.time);
        return byTime > 0 || (byTime == 0 && step > other.step);
    }
}
