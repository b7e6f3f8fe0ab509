package org.layerprune.control.rest;

import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.operators.multi.processors.BroadcastProcessor;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;
import org.layerprune.contracts.events.Event;
import org.layerprune.contracts.kafka.CloudEvent;
import org.layerprune.contracts.kafka.EventDeserializer;
import org.layerprune.contracts.kafka.Topics;

/**
 * Every event as it happens, for {@code GET /experiments/{id}/events}. Kafka Streams gives each instance only its own
 * partitions' experiments; this channel reads every partition of every event topic in a consumer group of its own
 * ({@code control-service-live-<uuid>}), from the end, so that each instance can stream any experiment's events to
 * whoever asks it.
 */
@ApplicationScoped
public class LiveEvents {

    /** The incoming channel of every event topic. */
    public static final String EXPERIMENT_EVENTS = "experiment-events";

    /** Events a slow subscriber may fall behind by before it is dropped. */
    private static final int BUFFER = 1024;

    private static final Logger LOG = Logger.getLogger(LiveEvents.class);

    /**
     * One event for subscribers.
     *
     * @param type the event type, e.g. {@code heal.progress}: the SSE event name
     * @param id the record's CloudEvents id, or topic-partition@offset when it has none
     * @param experimentId the experiment
     * @param json the event as it was written
     */
    public record LiveEvent(String type, String id, String experimentId, String json) {
    }

    private final BroadcastProcessor<LiveEvent> broadcast = BroadcastProcessor.create();

    /** Passes each readable event on to the subscribers; an unreadable record is skipped (a stage dead-letters it). */
    @Incoming(EXPERIMENT_EVENTS)
    public void on(ConsumerRecord<String, byte[]> record) {
        Event event;
        try {
            event = new EventDeserializer<>(Topics.eventType(record.topic())).deserialize(record.topic(),
                    record.value());
        } catch (RuntimeException e) {
            LOG.debugf("skipping an unreadable record of %s: %s", record.topic(), e.getMessage());
            return;
        }
        if (event == null) {
            return;
        }
        Header ceId = record.headers().lastHeader(CloudEvent.ID_HEADER);
        String id = ceId != null ? new String(ceId.value(), StandardCharsets.UTF_8)
                : record.topic() + "-" + record.partition() + "@" + record.offset();
        broadcast.onNext(new LiveEvent(record.topic(), id, event.experimentId(),
                new String(record.value(), StandardCharsets.UTF_8)));
    }

    /** The events of {@code experimentId} from now on. */
    public Multi<LiveEvent> of(String experimentId) {
        return broadcast.filter(event -> event.experimentId().equals(experimentId)).onOverflow().buffer(BUFFER);
    }
}
