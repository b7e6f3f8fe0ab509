package org.layerprune.control.rest;

import org.layerprune.control.view.ExperimentState;

/**
 * The answer to {@code POST /experiments}: the request is on the broker.
 *
 * @param experimentId the experiment's id, assigned by the server when the request had none
 * @param state {@code requested}
 * @param view where its view will be: {@code /experiments/<id>}
 * @param events where its events stream live (server-sent events)
 */
public record Submitted(String experimentId, ExperimentState state, String view, String events) {
}
