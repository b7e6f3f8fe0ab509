package org.layerprune.testkit;

import java.util.Collection;

/**
 * A running Kafka broker that tests talk to with real clients. Closing it stops the broker and frees what it holds.
 */
public interface KafkaBroker extends AutoCloseable {

    /** The {@code host:port} list a client puts in {@code bootstrap.servers}. */
    String bootstrapServers();

    /**
     * Makes sure every named topic exists with {@code partitions} partitions and replication factor 1, and returns once
     * the broker serves them. A topic that already exists is kept, so that test classes sharing a broker may ask for
     * the same topics; it must then have the partition count asked, or this throws rather than let a test run on a
     * layout it did not expect.
     *
     * @throws IllegalStateException when a topic exists with another partition count, or the broker refuses
     */
    default void createTopics(Collection<String> names, int partitions) {
        Topics.ensure(bootstrapServers(), names, partitions);
    }

    /** Stops the broker; unlike {@link AutoCloseable#close()} it throws nothing checked. */
    @Override
    void close();
}
