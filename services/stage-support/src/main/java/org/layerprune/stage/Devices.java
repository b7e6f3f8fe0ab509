package org.layerprune.stage;

import ai.djl.Device;

/** A device named in configuration as the CLI's {@code --device} names it: cpu, gpu or gpu:N. */
public final class Devices {

    private Devices() {
    }

    /** @throws IllegalArgumentException naming what is expected */
    public static Device parse(String name) {
        if (name.equals("cpu")) {
            return Device.cpu();
        }
        if (name.equals("gpu")) {
            return Device.gpu();
        }
        if (name.matches("gpu:[0-9]{1,3}")) {
            return Device.gpu(Integer.parseInt(name.substring(4)));
        }
        throw new IllegalArgumentException("device: expected cpu, gpu or gpu:N, got \"" + name + "\"");
    }
}
