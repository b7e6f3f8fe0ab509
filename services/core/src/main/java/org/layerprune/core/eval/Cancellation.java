package org.layerprune.core.eval;

import java.util.concurrent.CancellationException;
import java.util.function.BooleanSupplier;

/** Checked between batches, so a service can stop a long evaluation without killing its worker. */
final class Cancellation {

    private Cancellation() {
    }

    /** @throws CancellationException when {@code cancelled} says so */
    static void check(BooleanSupplier cancelled, String what) {
        if (cancelled.getAsBoolean()) {
            throw new CancellationException(what + " cancelled");
        }
    }
}
