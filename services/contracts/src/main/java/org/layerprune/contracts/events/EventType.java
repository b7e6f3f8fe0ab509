package org.layerprune.contracts.events;

/**
 * One kind of event: its name, which is both its topic and its schema's directory under {@code schemas/}, the record
 * that holds it, and the field that keys it.
 *
 * @param name e.g. {@code variants.pruned}
 * @param javaType the record
 * @param keyField the field whose value is the Kafka key: {@code experimentId} or {@code variantId}
 * @param <V> the record
 */
public record EventType<V extends Event>(String name, Class<V> javaType, String keyField) {

    /** The CloudEvents type, e.g. {@code org.layerprune.variants.pruned.v1}: a breaking change gets a new one. */
    public String ceType() {
        return "org.layerprune." + name + ".v" + Event.SCHEMA_VERSION;
    }

    /** The {@code $id} of the event's JSON Schema. */
    public String schemaId() {
        return "https://layerprune.org/schemas/" + name + "/v" + Event.SCHEMA_VERSION + ".json";
    }
}
