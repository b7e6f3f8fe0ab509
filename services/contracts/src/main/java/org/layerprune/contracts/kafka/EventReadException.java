package org.layerprune.contracts.kafka;

import org.apache.kafka.common.errors.SerializationException;

/**
 * A record whose value is not an event of its topic's type. The message names the topic, the event type and the
 * field at fault (a path such as {@code heal.targets[1]}; empty when the document itself is broken), so that the
 * dead-letter record's reason header says what to fix.
 */
public final class EventReadException extends SerializationException {

    private final String topic;
    private final String ceType;
    private final String field;

    EventReadException(String topic, String ceType, String field, String problem, Throwable cause) {
        super(topic + " (" + ceType + ")" + (field.isEmpty() ? "" : " at " + field) + ": " + problem, cause);
        this.topic = topic;
        this.ceType = ceType;
        this.field = field;
    }

    /** The topic the record came from. */
    public String topic() {
        return topic;
    }

    /** The CloudEvents type the record should have held. */
    public String ceType() {
        return ceType;
    }

    /** The field at fault, e.g. {@code heal.targets[1]}; empty when the document itself is broken. */
    public String field() {
        return field;
    }
}
