package org.layerprune.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.junit.jupiter.api.Test;

/** The Quarkus test resource, driven as Quarkus drives it: init, start, stop. */
class KafkaBrokerResourceTest {

    @Test
    void pointsTheApplicationAtTheSharedBrokerWithDevServicesOff() {
        KafkaBrokerResource resource = new KafkaBrokerResource();
        resource.init(Map.of());

        Map<String, String> config = resource.start();
        resource.stop();

        assertEquals(Map.of(
                "kafka.bootstrap.servers", KafkaBrokers.shared().bootstrapServers(),
                "quarkus.kafka.devservices.enabled", "false"), config);
    }

    @Test
    void createsTheTopicsOfItsInitArgsBeforeTheApplicationStarts() throws Exception {
        String requested = "requested-" + UUID.randomUUID();
        String probed = "probed-" + UUID.randomUUID();
        KafkaBrokerResource resource = new KafkaBrokerResource();
        resource.init(Map.of(
                KafkaBrokerResource.TOPICS, requested + ", " + probed,
                KafkaBrokerResource.PARTITIONS, "3"));

        Map<String, String> config = resource.start();

        try (Admin admin = Admin.create(Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, config.get("kafka.bootstrap.servers")))) {
            var topics = admin.describeTopics(List.of(requested, probed)).allTopicNames().get();
            assertEquals(3, topics.get(requested).partitions().size());
            assertEquals(3, topics.get(probed).partitions().size());
        }
    }
}
