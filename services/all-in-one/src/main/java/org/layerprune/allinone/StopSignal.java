package org.layerprune.allinone;

import io.quarkus.runtime.ShutdownEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.concurrent.CompletableFuture;

/**
 * Completes when the application begins to stop (Ctrl+C, SIGTERM), so that a run still waiting for its experiment
 * returns instead of holding the process open after the services are gone.
 */
@ApplicationScoped
public class StopSignal {

    private final CompletableFuture<Void> stopping = new CompletableFuture<>();

    void onStop(@Observes ShutdownEvent event) {
        stopping.complete(null);
    }

    /** Done once the application stops. */
    CompletableFuture<Void> stopping() {
        return stopping;
    }
}
