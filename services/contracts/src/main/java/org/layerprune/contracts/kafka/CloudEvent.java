package org.layerprune.contracts.kafka;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.UUID;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.layerprune.contracts.events.Event;

/**
 * The CloudEvents 1.0 attributes of an event record, carried as Kafka headers in the binary content mode of the
 * CloudEvents Kafka binding: {@code ce_specversion}, {@code ce_type}, {@code ce_source}, {@code ce_id},
 * {@code ce_subject}, {@code ce_time}, and {@code content-type} for the JSON value. Tools that know CloudEvents
 * (tracing, routing, the dashboard) can then tell events apart without reading them.
 *
 * @param type e.g. {@code org.layerprune.variants.pruned.v1}
 * @param source the producing service as a URI reference, e.g. {@code /layerprune/prune-service}
 * @param id unique per event; a redelivered record keeps it, a re-emitted result gets a new one
 * @param subject the record key: the experiment or variant id
 * @param time the event's time
 */
public record CloudEvent(String type, String source, String id, String subject, Instant time) {

    /** The CloudEvents version written and accepted. */
    public static final String SPEC_VERSION = "1.0";

    /** The value's media type. */
    public static final String CONTENT_TYPE = "application/json";

    public static final String SPEC_VERSION_HEADER = "ce_specversion";
    public static final String TYPE_HEADER = "ce_type";
    public static final String SOURCE_HEADER = "ce_source";
    public static final String ID_HEADER = "ce_id";
    public static final String SUBJECT_HEADER = "ce_subject";
    public static final String TIME_HEADER = "ce_time";
    public static final String CONTENT_TYPE_HEADER = "content-type";

    public CloudEvent {
        requireText(type, TYPE_HEADER);
        requireText(source, SOURCE_HEADER);
        requireText(id, ID_HEADER);
        requireText(subject, SUBJECT_HEADER);
        if (time == null) {
            throw new IllegalArgumentException(TIME_HEADER + " is missing");
        }
    }

    /** The attributes of {@code event} sent by {@code source}, with a fresh random id. */
    public static CloudEvent of(Event event, String source) {
        return new CloudEvent(event.type().ceType(), source, UUID.randomUUID().toString(), event.key(), event.time());
    }

    /** Writes the attributes to {@code headers}, replacing any CloudEvents headers already there. */
    public void writeTo(Headers headers) {
        put(headers, SPEC_VERSION_HEADER, SPEC_VERSION);
        put(headers, TYPE_HEADER, type);
        put(headers, SOURCE_HEADER, source);
        put(headers, ID_HEADER, id);
        put(headers, SUBJECT_HEADER, subject);
        put(headers, TIME_HEADER, time.toString());
        put(headers, CONTENT_TYPE_HEADER, CONTENT_TYPE);
    }

    /**
     * The attributes in {@code headers}.
     *
     * @throws IllegalArgumentException naming the header that is missing or wrong
     */
    public static CloudEvent readFrom(Headers headers) {
        String specVersion = get(headers, SPEC_VERSION_HEADER);
        if (!specVersion.equals(SPEC_VERSION)) {
            throw new IllegalArgumentException(SPEC_VERSION_HEADER + " is \"" + specVersion + "\"; only "
                    + SPEC_VERSION + " is read");
        }
        String time = get(headers, TIME_HEADER);
        try {
            return new CloudEvent(get(headers, TYPE_HEADER), get(headers, SOURCE_HEADER), get(headers, ID_HEADER),
                    get(headers, SUBJECT_HEADER), Instant.parse(time));
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(TIME_HEADER + " \"" + time + "\" is not an ISO-8601 instant", e);
        }
    }

    private static void put(Headers headers, String name, String value) {
        headers.remove(name);
        headers.add(name, value.getBytes(StandardCharsets.UTF_8));
    }

    private static String get(Headers headers, String name) {
        Header header = headers.lastHeader(name);
        if (header == null || header.value() == null) {
            throw new IllegalArgumentException("header " + name + " is missing");
        }
        return new String(header.value(), StandardCharsets.UTF_8);
    }

    private static void requireText(String value, String header) {
        if (value == null || value.isEmpty()) {
            throw new IllegalArgumentException(header + " is missing");
        }
    }
}
