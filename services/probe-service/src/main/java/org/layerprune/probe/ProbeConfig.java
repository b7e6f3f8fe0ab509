package org.layerprune.probe;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.nio.file.Path;
import java.util.Optional;

/** The probe service's settings, under {@code layerprune.}. */
@ConfigMapping(prefix = "layerprune")
public interface ProbeConfig {

    /** The directory every ref in an event is relative to; created when missing. */
    Path artifactRoot();

    /** Where models run: cpu, gpu or gpu:N. */
    @WithDefault("cpu")
    String device();

    /** How probes run. */
    Probing probe();

    interface Probing {

        /** Calibration sequences per forward pass. */
        @WithDefault("8")
        int batchSize();

        /**
         * A Hugging Face hub cache under the artifact root, as a ref (the {@code hub/} layout:
         * {@code models--<owner>--<name>/refs/<revision>} and {@code snapshots/<commit>/}). A request for a Hugging
         * Face model is served from it when the revision is there; this service never downloads.
         */
        Optional<String> huggingfaceCache();
    }
}
