package org.layerprune.contracts.events;

import java.time.Instant;
import java.util.List;

/**
 * Asks for one experiment: probe the model, prune it at each block size, heal and evaluate every variant. Every
 * setting is explicit; whoever submits fills in the defaults, so that stages never guess.
 *
 * @param schemaVersion {@link Event#SCHEMA_VERSION}
 * @param experimentId names the experiment; the key
 * @param time when it was requested
 * @param model the model to prune
 * @param calibration the probe's sequences
 * @param metric the block score; {@link ProbeMetric#DEFAULT} is the paper's
 * @param blockSizes the n to prune at
 * @param strategy how each block is chosen
 * @param heal how each pruned variant heals
 * @param evalTasks how every variant is evaluated
 */
public record ExperimentRequested(int schemaVersion, String experimentId, Instant time, ModelSource model,
        CalibrationSettings calibration, ProbeMetric metric, BlockSizes blockSizes, PruneStrategy strategy,
        HealSettings heal, List<EvalTaskSettings> evalTasks) implements Event {

    /** Topic experiments.requested, keyed by experiment. */
    public static final EventType<ExperimentRequested> TYPE =
            new EventType<>("experiments.requested", ExperimentRequested.class, "experimentId");

    public ExperimentRequested {
        Fields.schemaVersion(schemaVersion);
        ExperimentIds.require(experimentId, "experimentId");
        Fields.required(time, "time");
        Fields.required(model, "model");
        Fields.required(calibration, "calibration");
        Fields.required(metric, "metric");
        Fields.required(blockSizes, "blockSizes");
        Fields.required(strategy, "strategy");
        Fields.required(heal, "heal");
        evalTasks = Fields.evalTasks(evalTasks);
    }

    @Override
    public String key() {
        return experimentId;
    }

    @Override
    public EventType<ExperimentRequested> type() {
        return TYPE;
    }
}
