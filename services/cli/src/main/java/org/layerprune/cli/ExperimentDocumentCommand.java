package org.layerprune.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.function.Function;

/**
 * A command that reads one JSON document of an experiment from the control service and prints it: as served with
 * {@code --json}, else as readable text. Each command declares {@code --json} itself, so that its help names the
 * fields of its own document.
 */
abstract class ExperimentDocumentCommand extends ExperimentCommand {

    private final String resource;
    private final Function<JsonNode, String> render;

    /**
     * @param resource what follows {@code /experiments/ID}: empty for the view, e.g. {@code /curve}
     * @param render   the readable text of the document
     */
    ExperimentDocumentCommand(String resource, Function<JsonNode, String> render) {
        this.resource = resource;
        this.render = render;
    }

    /** Whether {@code --json} was given. */
    abstract boolean json();

    @Override
    public Integer call() {
        JsonNode document = control.api().getJson(path(resource));
        Output.jsonOrText(spec.commandLine().getOut(), json(), document, () -> render.apply(document));
        return 0;
    }
}
