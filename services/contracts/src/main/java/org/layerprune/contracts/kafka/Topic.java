package org.layerprune.contracts.kafka;

import org.apache.kafka.common.serialization.Serde;

/**
 * A Kafka topic with the serdes of its keys and values, so that a topic name never travels without them.
 *
 * @param name the topic
 * @param keySerde reads and writes its keys
 * @param valueSerde reads and writes its values
 * @param <K> the key
 * @param <V> the value
 */
public record Topic<K, V>(String name, Serde<K> keySerde, Serde<V> valueSerde) {
}
