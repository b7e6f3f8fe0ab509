package org.layerprune.stage;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import java.time.Instant;
import java.util.Optional;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.junit.jupiter.api.Test;
import org.layerprune.contracts.events.ErrorCode;
import org.layerprune.contracts.events.Event;
import org.layerprune.contracts.events.PipelineStage;
import org.layerprune.contracts.events.StageFailed;
import org.layerprune.contracts.kafka.CloudEvent;

class EventMessagesTest {

    @Test
    void messageIsKeyedByTheEventAndCarriesItsCloudEventsHeaders() {
        StageFailed event = new StageFailed(Event.SCHEMA_VERSION, "demo", Optional.empty(),
                Instant.parse("2026-05-01T09:00:00Z"), PipelineStage.PROBE, ErrorCode.NOT_FOUND, "gone", false);

        Message<StageFailed> message = EventMessages.of(event, EventMessages.source("probe-service"));

        @SuppressWarnings("unchecked")
        OutgoingKafkaRecordMetadata<String> metadata = message.getMetadata(OutgoingKafkaRecordMetadata.class)
                .orElseThrow();
        assertEquals("demo", metadata.getKey());
        CloudEvent ce = CloudEvent.readFrom(metadata.getHeaders());
        assertEquals("org.layerprune.stage.failed.v1", ce.type());
        assertEquals("/layerprune/probe-service", ce.source());
        assertEquals("demo", ce.subject());
        assertEquals(event.time(), ce.time());
        assertEquals(event, message.getPayload());
    }
}
