package org.layerprune.contracts.kafka;

import com.fasterxml.jackson.core.JsonProcessingException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serializer;
import org.layerprune.contracts.events.Event;

/**
 * Writes any event as UTF-8 JSON with {@link EventJson}'s mapper. The records checked themselves when built, so what
 * is written keeps the contract.
 *
 * @param <V> the event
 */
public final class EventSerializer<V extends Event> implements Serializer<V> {

    /** The JSON of {@code event}; null for a null event (a tombstone). */
    @Override
    public byte[] serialize(String topic, V event) {
        if (event == null) {
            return null;
        }
        try {
            return EventJson.mapper().writeValueAsBytes(event);
        } catch (JsonProcessingException e) {
            throw new SerializationException(topic + " (" + event.type().ceType() + "): cannot write "
                    + event.getClass().getSimpleName() + ": " + e.getOriginalMessage(), e);
        }
    }
}
