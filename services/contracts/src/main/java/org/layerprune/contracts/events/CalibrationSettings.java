package org.layerprune.contracts.events;

import org.layerprune.contracts.artifact.ArtifactRef;

/**
 * The sequences the probe runs through the model to score every block.
 *
 * @param data JSON Lines of {@code input_ids}
 * @param samples sequences sampled from {@code data}, at least 1
 * @param maxLength tokens kept per sequence, at least 1
 * @param seed the sampling seed
 */
public record CalibrationSettings(ArtifactRef data, int samples, int maxLength, long seed) {

    public CalibrationSettings {
        Fields.required(data, "data");
    }
}
