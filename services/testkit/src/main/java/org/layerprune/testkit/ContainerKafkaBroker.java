package org.layerprune.testkit;

import org.testcontainers.kafka.KafkaContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * Kafka in a Docker container, through Testcontainers: the same tests against the broker image that deployments run,
 * where a Docker engine is available.
 */
public final class ContainerKafkaBroker implements KafkaBroker {

    /** The Apache image of the Kafka version whose clients quarkus-bom pins, so both brokers run the same Kafka. */
    public static final DockerImageName IMAGE = DockerImageName.parse("apache/kafka:4.1.2");

    private final KafkaContainer container;

    private ContainerKafkaBroker(KafkaContainer container) {
        this.container = container;
    }

    /**
     * Starts a container and returns once its broker takes requests.
     *
     * @throws IllegalStateException when no Docker engine can be reached (Testcontainers' own exception)
     */
    public static ContainerKafkaBroker start() {
        KafkaContainer container = new KafkaContainer(IMAGE);
        container.start();
        return new ContainerKafkaBroker(container);
    }

    @Override
    public String bootstrapServers() {
        return container.getBootstrapServers();
    }

    @Override
    public void close() {
        container.close();
    }
}
