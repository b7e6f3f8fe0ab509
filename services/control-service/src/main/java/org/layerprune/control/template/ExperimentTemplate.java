package org.layerprune.control.template;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The defaults of a new experiment: a complete {@code experiments.requested} body (schema-valid once an id and a time
 * are added) without {@code experimentId} and {@code time}, which the server assigns. {@code GET
 * /experiments/template} serves it; the dashboard's form and the CLI's {@code submit} start from it.
 *
 * <p>The control service's own is {@link ConfiguredExperimentTemplate} (the paper's settings, or a file); an
 * application that knows better (the all-in-one knows the model and data it installed) provides its own bean.
 */
public interface ExperimentTemplate {

    /** A fresh copy of the template: callers may change it. */
    ObjectNode body();
}
