package org.layerprune.control.streams;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;
import org.layerprune.contracts.events.Event;
import org.layerprune.contracts.events.EventType;
import org.layerprune.contracts.kafka.EventJson;
import org.layerprune.contracts.kafka.Topics;

/**
 * Events of every type on one internal topic (the repartition topic that re-keys variant events by experiment):
 * {@code {"type": "variants.pruned", "event": {...}}}, the event as the contract writes it.
 */
public final class AnyEventSerde implements Serde<Event> {

    static final String TYPE = "type";
    static final String EVENT = "event";

    @Override
    public Serializer<Event> serializer() {
        return (topic, event) -> {
            if (event == null) {
                return null;
            }
            ObjectNode envelope = EventJson.mapper().createObjectNode();
            envelope.put(TYPE, event.type().name());
            envelope.set(EVENT, EventJson.mapper().valueToTree(event));
            try {
                return EventJson.mapper().writeValueAsBytes(envelope);
            } catch (IOException e) {
                throw new SerializationException(topic + ": cannot write " + event.type().name(), e);
            }
        };
    }

    @Override
    public Deserializer<Event> deserializer() {
        return (topic, data) -> {
            if (data == null) {
                return null;
            }
            try {
                JsonNode envelope = EventJson.mapper().readTree(data);
                EventType<?> type = Topics.eventType(envelope.path(TYPE).asText());
                return EventJson.mapper().treeToValue(envelope.get(EVENT), type.javaType());
            } catch (IOException | IllegalArgumentException e) {
                throw new SerializationException(topic + ": not an event envelope: " + e.getMessage(), e);
            }
        };
    }
}
