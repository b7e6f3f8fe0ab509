package org.layerprune.testkit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.testcontainers.junit.jupiter.Testcontainers;

/** The same checks against Kafka in Docker; skipped where no Docker engine answers. */
@Testcontainers(disabledWithoutDocker = true)
class ContainerKafkaBrokerTest extends BrokerContract {

    private static ContainerKafkaBroker broker;

    @BeforeAll
    static void startBroker() {
        broker = ContainerKafkaBroker.start();
    }

    @AfterAll
    static void stopBroker() {
        broker.close();
    }

    @Override
    KafkaBroker broker() {
        return broker;
    }
}
