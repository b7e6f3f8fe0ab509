package org.layerprune.prune;

import io.smallrye.config.ConfigMapping;
import java.nio.file.Path;

/** The prune service's settings, under {@code layerprune.}. */
@ConfigMapping(prefix = "layerprune")
public interface PruneConfig {

    /** The directory every ref in an event is relative to; created when missing. */
    Path artifactRoot();
}
