package org.layerprune.cli;

import picocli.CommandLine.Option;

/** {@code --url}: the control service the pipeline commands talk to. */
final class ControlOptions {

    /** Where the control service listens when neither --url nor $LAYERPRUNE_URL says otherwise. */
    static final String DEFAULT_URL = "http://localhost:8080";

    @Option(names = "--url", paramLabel = "URL", defaultValue = "${env:LAYERPRUNE_URL:-" + DEFAULT_URL + "}",
            description = "The control service (default: $LAYERPRUNE_URL, else " + DEFAULT_URL
                    + "; now ${DEFAULT-VALUE}).")
    String url;

    ControlApi api() {
        return new ControlApi(url);
    }
}
