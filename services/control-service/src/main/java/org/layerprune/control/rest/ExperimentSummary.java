package org.layerprune.control.rest;

import java.time.Instant;
import org.layerprune.contracts.events.BlockSizes;
import org.layerprune.contracts.events.ModelSource;
import org.layerprune.control.view.ExperimentState;
import org.layerprune.control.view.ExperimentView;

/**
 * One line of {@code GET /experiments}.
 *
 * @param experimentId the experiment
 * @param state where it stands
 * @param model the model pruned; null until the request is folded in
 * @param blockSizes the block sizes: the probe's resolved list, else the request's ({@code "all"} or a list)
 * @param updated the latest event's time
 */
public record ExperimentSummary(String experimentId, ExperimentState state, ModelSource model, Object blockSizes,
        Instant updated) {

    static ExperimentSummary of(ExperimentView view) {
        Object sizes = !view.blockSizes().isEmpty() || view.request() == null ? view.blockSizes()
                : view.request().blockSizes().isAll() ? BlockSizes.ALL : view.request().blockSizes().listed();
        return new ExperimentSummary(view.experimentId(), view.state(),
                view.request() == null ? null : view.request().model(), sizes, view.updated());
    }
}
