package org.layerprune.eval;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.nio.file.Path;

/** The eval service's settings, under {@code layerprune.}. */
@ConfigMapping(prefix = "layerprune")
public interface EvalConfig {

    /** The directory every ref in an event is relative to; created when missing. */
    Path artifactRoot();

    /** Where models run: cpu, gpu or gpu:N. */
    @WithDefault("cpu")
    String device();

    /** How evaluations run. */
    Evaluating eval();

    interface Evaluating {

        /** Sequences or questions per forward pass. */
        @WithDefault("8")
        int batchSize();
    }
}
