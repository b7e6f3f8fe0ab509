package org.layerprune.heal;

import ai.djl.Device;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.function.Function;
import org.layerprune.stage.Devices;

/**
 * The devices heals run on, each lent to one heal at a time: with as many heal workers as devices, a worker always
 * finds one free, and no two variants share a device.
 */
final class DevicePool {

    private final BlockingQueue<Device> free;

    private DevicePool(List<Device> devices) {
        this.free = new ArrayBlockingQueue<>(devices.size(), false, devices);
    }

    /**
     * The devices {@code names} (cpu, gpu, gpu:N) for a pool of {@code workers} heal workers.
     *
     * @throws IllegalArgumentException unless there is one device and one worker: DJL's PyTorch engine allows one
     *     GradientCollector per JVM, so two heals cannot train in one process; run one heal-service per device
     */
    static DevicePool of(List<String> names, int workers) {
        List<Device> devices = names.stream().map(Devices::parse).toList();
        if (devices.size() != 1 || workers != devices.size()) {
            throw new IllegalArgumentException("layerprune.heal.devices " + names + " with " + workers + " heal"
                    + " workers: expected one device and one worker per process (DJL trains one model at a time per"
                    + " JVM); run one heal-service per device");
        }
        return new DevicePool(devices);
    }

    /** {@code work} on a device of its own, waiting for one to be free. */
    <T> T use(Function<Device, T> work) {
        Device device;
        try {
            device = free.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for a heal device", e);
        }
        try {
            return work.apply(device);
        } finally {
            free.add(device);
        }
    }
}
