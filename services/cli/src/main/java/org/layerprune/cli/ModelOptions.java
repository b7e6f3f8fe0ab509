package org.layerprune.cli;

import ai.djl.Device;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The options every command that loads a model shares. */
final class ModelOptions {

    @Option(names = "--model", required = true, paramLabel = "DIR",
            description = "Hugging Face checkpoint directory (config.json + safetensors).")
    Path model;

    @Option(names = "--device", defaultValue = "cpu", paramLabel = "DEVICE",
            description = "cpu, gpu or gpu:N (default: ${DEFAULT-VALUE}).")
    String device;

    Device device() {
        if (device.equals("cpu")) {
            return Device.cpu();
        }
        if (device.equals("gpu")) {
            return Device.gpu();
        }
        if (device.startsWith("gpu:")) {
            try {
                return Device.gpu(Integer.parseInt(device.substring(4)));
            } catch (NumberFormatException e) {
                // falls through to the error below
            }
        }
        throw new IllegalArgumentException("--device: expected cpu, gpu or gpu:N, got \"" + device + "\"");
    }
}
