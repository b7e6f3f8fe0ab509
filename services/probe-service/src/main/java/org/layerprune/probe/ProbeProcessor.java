package org.layerprune.probe;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.Startup;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.annotations.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Optional;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.layerprune.contracts.events.ExperimentRequested;
import org.layerprune.contracts.events.PipelineStage;
import org.layerprune.contracts.events.SimilarityProbed;
import org.layerprune.contracts.events.StageFailed;
import org.layerprune.stage.ArtifactRoot;
import org.layerprune.stage.Devices;
import org.layerprune.stage.Stage;

/**
 * Reads experiments.requested and, for each experiment, probes its model once: similarity.probed with the whole
 * distance matrix and l*(n), or stage.failed. The probe's output is {@code experiments/<id>/probe/} under the artifact
 * root; a request delivered again re-emits it. Records that cannot be read go to probe-service.dlq (configuration).
 */
@Startup // meters on /q/metrics from the start, and a bad artifact root or device fails the start
@ApplicationScoped
public class ProbeProcessor {

    public static final String SERVICE = "probe-service";
    /** Reads topic experiments.requested; incoming channels are named by service, see {@link #PROBED}. */
    public static final String REQUESTS = "probe-experiments-requested";
    /**
     * Writes topic similarity.probed. Outgoing channels are named as their topic, incoming ones add the service in
     * front, so that the services combine in one application (all-in-one) with unique channels and none of them is
     * wired to another in memory past the broker.
     */
    public static final String PROBED = "similarity-probed";
    /** Writes topic stage.failed (each service; one shared channel when they are combined). */
    public static final String FAILED = "stage-failed";

    private final Stage stage;
    private final ModelProbe probe;
    private final MutinyEmitter<SimilarityProbed> probed;

    ProbeProcessor(ProbeConfig config, MeterRegistry registry, @Channel(PROBED) MutinyEmitter<SimilarityProbed> probed,
            @Channel(FAILED) MutinyEmitter<StageFailed> failed) {
        ArtifactRoot root = new ArtifactRoot(config.artifactRoot());
        this.stage = new Stage(PipelineStage.PROBE, SERVICE, root, registry, failed::sendMessageAndAwait);
        this.probe = new ModelProbe(root, new ModelSources(root, config.probe().huggingfaceCache()),
                Devices.parse(config.device()), config.probe().batchSize());
        this.probed = probed;
    }

    /** Probes on the probe-worker pool (sized in configuration): minutes of compute per request on a large model. */
    @Incoming(REQUESTS)
    @Blocking(value = "probe-worker", ordered = false)
    public void probe(ExperimentRequested request) {
        stage.run(request, Optional.empty(), stage.root().probeDir(request.experimentId()), SimilarityProbed.TYPE,
                () -> probe.run(request), probed::sendMessageAndAwait);
    }
}
