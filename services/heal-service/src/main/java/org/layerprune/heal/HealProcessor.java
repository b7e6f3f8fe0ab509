package org.layerprune.heal;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.Startup;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.annotations.Blocking;
import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.kafka.common.TopicPartition;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.layerprune.contracts.events.HealProgress;
import org.layerprune.contracts.events.PipelineStage;
import org.layerprune.contracts.events.StageFailed;
import org.layerprune.contracts.events.VariantHealed;
import org.layerprune.contracts.events.VariantId;
import org.layerprune.contracts.events.VariantPruned;
import org.layerprune.stage.ArtifactRoot;
import org.layerprune.stage.EventMessages;
import org.layerprune.stage.Stage;
import org.layerprune.stage.StageOutputs;

/**
 * Reads variants.pruned and heals each pruned variant (the baseline, n = 0, is acknowledged and left alone) with core's
 * Healer into {@code experiments/<id>/variants/<healedId>/heal/}, sending heal.progress while it trains and
 * variants.healed at the end; records that cannot be read go to heal-service.dlq, failures become stage.failed.
 *
 * <p>Healing runs for hours, so a record is acknowledged (its offset committed) only once variants.healed (or
 * stage.failed) is on the broker. A worker that dies mid-heal leaves the offset uncommitted; the partition's next
 * owner in the group gets the record again and Healer resumes from the newest checkpoint in the shared artifact root.
 * A worker that loses the partition in a rebalance ({@link HealRebalanceListener}) or shuts down cancels the heal
 * ({@link InFlightHeals}): Healer checkpoints and throws, and the record is neither acknowledged nor failed, so the
 * next owner resumes instead of two workers healing one variant. Heals run on the heal-worker pool, one per configured
 * device, each on a device of its own ({@link DevicePool}).
 */
@Startup // meters on /q/metrics from the start, and a bad artifact root or device fails the start
@ApplicationScoped
public class HealProcessor {

    public static final String SERVICE = "heal-service";
    /** Reads topic variants.pruned; named by service, as every incoming channel (see probe-service). */
    public static final String PRUNED = "heal-variants-pruned";
    /** Writes topic heal.progress. */
    public static final String PROGRESS = "heal-progress";
    /** Writes topic variants.healed. */
    public static final String HEALED = "variants-healed";
    /** Writes topic stage.failed (each service; one shared channel when they are combined). */
    public static final String FAILED = "stage-failed";
    /** The worker pool, as large as the number of devices. */
    public static final String WORKERS = "heal-worker";

    private final Stage stage;
    private final VariantHeal heal;
    private final DevicePool devices;
    private final InFlightHeals inFlight;
    private final MutinyEmitter<VariantHealed> healed;

    HealProcessor(HealConfig config, @ConfigProperty(name = "layerprune.artifact-root") Path artifactRoot,
            @ConfigProperty(name = "smallrye.messaging.worker." + WORKERS + ".max-concurrency") int workers,
            MeterRegistry registry, InFlightHeals inFlight, @Channel(HEALED) MutinyEmitter<VariantHealed> healed,
            @Channel(PROGRESS) MutinyEmitter<HealProgress> progress, @Channel(FAILED) MutinyEmitter<StageFailed> failed) {
        ArtifactRoot root = new ArtifactRoot(artifactRoot);
        this.stage = new Stage(PipelineStage.HEAL, SERVICE, root, registry, failed::sendMessageAndAwait);
        this.devices = DevicePool.of(config.devices(), workers);
        this.heal = new VariantHeal(root, config, ProgressEvents.tokens(registry),
                event -> progress.sendMessageAndForget(EventMessages.of(event, EventMessages.source(SERVICE))));
        this.inFlight = inFlight;
        this.healed = healed;
    }

    /** Heals on the heal-worker pool; acknowledges once the outcome is on the broker, never when cancelled. */
    @Incoming(PRUNED)
    @Blocking(value = WORKERS, ordered = false)
    public CompletionStage<Void> heal(Message<VariantPruned> record) {
        VariantPruned variant = record.getPayload();
        if (variant.n() == 0) {
            return record.ack(); // the baseline is evaluated as it is, never healed
        }
        VariantId id = variant.variantId().healed();
        try (InFlightHeals.Heal running = inFlight.start(partition(record))) {
            if (running.cancelled()) {
                return CompletableFuture.completedFuture(null); // given up before it began: the next owner heals it
            }
            devices.use(device -> stage.run(variant, Optional.of(id), stage.root().healRecordDir(id),
                    VariantHealed.TYPE, this::mergedIntact, () -> heal.run(variant, device, running::cancelled),
                    healed::sendMessageAndAwait));
        } catch (CancellationException e) {
            return CompletableFuture.completedFuture(null); // not acknowledged: the next owner resumes
        }
        return record.ack();
    }

    private boolean mergedIntact(VariantHealed variant) {
        return StageOutputs.checkpointIntact(stage.root().resolve(variant.checkpoint()));
    }

    private static TopicPartition partition(Message<?> record) {
        IncomingKafkaRecordMetadata<?, ?> kafka = record.getMetadata(IncomingKafkaRecordMetadata.class)
                .orElseThrow(() -> new IllegalStateException("heal-service reads Kafka records only"));
        return new TopicPartition(kafka.getTopic(), kafka.getPartition());
    }
}
