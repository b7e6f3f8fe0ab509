package org.layerprune.contracts.kafka;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectReader;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.serialization.Deserializer;
import org.layerprune.contracts.events.Event;
import org.layerprune.contracts.events.EventType;
import org.layerprune.contracts.events.InvalidEventException;

/**
 * Reads one event type from JSON bytes, or throws an {@link EventReadException} naming the field at fault.
 *
 * <p>Built with its {@link EventType} in code, or by Kafka from a class name with the config key
 * {@value #EVENT_TYPE_CONFIG} set to the event's name (e.g. {@code variants.pruned}), as SmallRye passes a channel's
 * attributes.
 *
 * @param <V> the event
 */
public final class EventDeserializer<V extends Event> implements Deserializer<V> {

    /** The config key naming the event type when Kafka builds this deserializer from its class name. */
    public static final String EVENT_TYPE_CONFIG = "layerprune.event.type";

    private EventType<V> type;
    private ObjectReader reader;

    /** A deserializer to be {@link #configure}d with {@value #EVENT_TYPE_CONFIG}. */
    public EventDeserializer() {
    }

    public EventDeserializer(EventType<V> type) {
        use(type);
    }

    @Override
    @SuppressWarnings("unchecked")
    public void configure(Map<String, ?> configs, boolean isKey) {
        Object name = configs.get(EVENT_TYPE_CONFIG);
        if (name == null) {
            if (type == null) {
                throw new IllegalArgumentException(EVENT_TYPE_CONFIG + " is not set; name the event type, one of "
                        + Topics.EVENT_TYPES.stream().map(EventType::name).toList());
            }
            return;
        }
        use((EventType<V>) Topics.eventType(name.toString()));
    }

    /** The event in {@code data}; null for a null record value (a tombstone). */
    @Override
    public V deserialize(String topic, byte[] data) {
        if (type == null) {
            throw new IllegalStateException("EventDeserializer used before configure(): " + EVENT_TYPE_CONFIG
                    + " is not set");
        }
        if (data == null) {
            return null;
        }
        try {
            return reader.readValue(data);
        } catch (JsonMappingException e) {
            throw mappingError(topic, e);
        } catch (JsonProcessingException e) {
            throw new EventReadException(topic, type.ceType(), "", "not well-formed JSON: " + e.getOriginalMessage(),
                    e);
        } catch (IOException e) {
            throw new EventReadException(topic, type.ceType(), "", "cannot be read: " + e.getMessage(), e);
        }
    }

    private void use(EventType<V> eventType) {
        type = eventType;
        reader = EventJson.mapper().readerFor(eventType.javaType());
    }

    /** The error for a document that parsed but does not fit the record, the field path spelled out. */
    private EventReadException mappingError(String topic, JsonMappingException e) {
        String path = path(e.getPath());
        String problem = e.getOriginalMessage();
        if (e.getCause() instanceof InvalidEventException invalid) {
            path = path.isEmpty() ? invalid.field() : path + "." + invalid.field();
            problem = invalid.problem();
        } else if (e.getCause() instanceof IllegalArgumentException invalid) {
            problem = invalid.getMessage();
        }
        return new EventReadException(topic, type.ceType(), path, problem, e);
    }

    /** Jackson's reference path as {@code heal.targets[1]}. */
    private static String path(List<JsonMappingException.Reference> references) {
        StringBuilder path = new StringBuilder();
        for (JsonMappingException.Reference reference : references) {
            if (reference.getFieldName() != null) {
                path.append(path.isEmpty() ? "" : ".").append(reference.getFieldName());
            } else if (reference.getIndex() >= 0) {
                path.append('[').append(reference.getIndex()).append(']');
            }
        }
        return path.toString();
    }
}
