package org.layerprune.heal;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.List;

/**
 * The heal service's settings, under {@code layerprune.heal.}. What an event does not say and every worker of the
 * group must agree on: the micro-batch size and the evaluation interval and limit are part of a run's identity, so a
 * worker with other values refuses to resume another's checkpoint.
 */
@ConfigMapping(prefix = "layerprune.heal")
public interface HealConfig {

    /** Where heals run, one variant at a time each: cpu, gpu or gpu:N. */
    @WithDefault("cpu")
    List<String> devices();

    /** Rows per forward/backward; gradients accumulate to the event's batch (its largest divisor up to this). */
    @WithDefault("4")
    int microBatchSize();

    /** Updates between validation losses; 0 measures only before and after. */
    @WithDefault("250")
    int evalEvery();

    /** Validation sequences, the first of the event's evalData. */
    @WithDefault("256")
    int evalLimit();

    /** Updates between heal.progress events (one also goes out on the last update and on each validation). */
    @WithDefault("10")
    int progressEvery();

    /**
     * How long a rebalance or shutdown waits for a cancelled heal to write its checkpoint and stop, after its current
     * update. Keep it under the consumer's {@code max.poll.interval.ms} (5 minutes), the rebalance's own limit.
     */
    @WithDefault("PT2M")
    Duration cancelWait();
}
