package org.layerprune.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.server.common.MetadataVersion;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The in-JVM KRaft broker, started once for this class. */
class EmbeddedKafkaBrokerTest extends BrokerContract {

    private static EmbeddedKafkaBroker broker;

    @BeforeAll
    static void startBroker() {
        broker = EmbeddedKafkaBroker.start(KafkaBrokers.newDataDir());
        System.out.printf("embedded Kafka broker started in %d ms%n", broker.startup().toMillis());
    }

    @AfterAll
    static void stopBroker() {
        broker.close();
    }

    @Override
    KafkaBroker broker() {
        return broker;
    }

    @Test
    void runsTheProductionMetadataVersionNotTheKitsUnstableDefault() throws Exception {
        try (Admin admin = admin()) {
            short level = admin.describeFeatures().featureMetadata().get()
                    .finalizedFeatures().get(MetadataVersion.FEATURE_NAME).maxVersionLevel();
            assertEquals(MetadataVersion.IBP_4_1_IV1.featureLevel(), level);
        }
    }
}
