package org.layerprune.heal;

import io.micrometer.core.instrument.MeterRegistry;

/** heal-service's own meters (package-private there), registered as the service registers them at start. */
public final class HealMeters {

    private HealMeters() {
    }

    public static void register(MeterRegistry registry) {
        ProgressEvents.tokens(registry);
    }
}
