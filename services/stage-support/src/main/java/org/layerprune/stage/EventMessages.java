package org.layerprune.stage;

import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.layerprune.contracts.events.Event;
import org.layerprune.contracts.kafka.CloudEvent;

/** Outgoing records as the contract wants them: keyed by the event's key, with CloudEvents headers. */
public final class EventMessages {

    private EventMessages() {
    }

    /** The CloudEvents source of {@code service}, e.g. {@code /layerprune/probe-service}. */
    public static String source(String service) {
        return "/layerprune/" + service;
    }

    /** {@code event} as a message keyed by {@link Event#key()}, with a fresh CloudEvents id from {@code source}. */
    public static <E extends Event> Message<E> of(E event, String source) {
        RecordHeaders headers = new RecordHeaders();
        CloudEvent.of(event, source).writeTo(headers);
        return Message.of(event).addMetadata(OutgoingKafkaRecordMetadata.<String>builder()
                .withKey(event.key())
                .withHeaders(headers)
                .build());
    }
}
