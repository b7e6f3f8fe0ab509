package org.layerprune.control.rest;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;
import org.layerprune.contracts.events.HealProgress;
import org.layerprune.contracts.events.PipelineStage;
import org.layerprune.contracts.events.StageFailed;
import org.layerprune.contracts.events.VariantEvaluated;
import org.layerprune.contracts.events.VariantHealed;
import org.layerprune.contracts.events.VariantId;
import org.layerprune.contracts.events.VariantPruned;
import org.layerprune.contracts.events.VariantStage;
import org.layerprune.contracts.kafka.EventDeserializer;
import org.layerprune.control.ControlTopics;
import org.layerprune.control.ExperimentEvents;
import org.layerprune.control.SseClient;
import org.layerprune.control.SseClient.SseEvent;
import org.layerprune.stage.testing.EventClient;
import org.layerprune.stage.testing.SharedFixtures;
import org.layerprune.testkit.KafkaBrokerResource;

/** {@code GET /experiments/{id}/events}: a real SSE client reads the events the stages send, as they come. */
@QuarkusTest
@WithTestResource(value = KafkaBrokerResource.class, initArgs = @ResourceArg(name = KafkaBrokerResource.TOPICS,
        value = ControlTopics.ALL))
class LiveEventsTest {

    private static final Duration WITHIN = Duration.ofSeconds(60);

    @TestHTTPResource("/")
    URI root;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrapServers;

    @Test
    void streamsHealProgressAndStageChangesOfOneExperimentOnly() {
        String id = SharedFixtures.experimentId("live");
        String other = SharedFixtures.experimentId("other");
        try (EventClient kafka = new EventClient(bootstrapServers);
                SseClient client = new SseClient(root.resolve("/experiments/" + id + "/events"))) {
            await().atMost(WITHIN).untilAsserted(() -> assertFalse(client.events("subscribed").isEmpty()));
            // the live channel reads from the end once it has its partitions: send until one comes through
            await().atMost(WITHIN).untilAsserted(() -> {
                kafka.send(ExperimentEvents.progress(id, 2, 1));
                assertFalse(client.events(HealProgress.TYPE.name()).isEmpty());
            });

            kafka.send(ExperimentEvents.progress(other, 2, 3)); // same topic and partition, before ours
            kafka.send(ExperimentEvents.progress(id, 2, 3));
            kafka.send(ExperimentEvents.pruned(id, 3));
            kafka.send(ExperimentEvents.healed(id, 2));
            kafka.send(ExperimentEvents.evaluated(id, 2, VariantStage.HEALED));
            kafka.send(ExperimentEvents.failed(id, VariantId.pruned(id, 3), PipelineStage.HEAL, true));

            await().atMost(WITHIN).untilAsserted(() -> {
                for (String type : List.of(VariantPruned.TYPE.name(), VariantHealed.TYPE.name(),
                        VariantEvaluated.TYPE.name(), StageFailed.TYPE.name())) {
                    assertEquals(1, client.events(type).size(), type + " in " + client.events());
                }
                assertTrue(client.events(HealProgress.TYPE.name()).stream()
                        .anyMatch(e -> read(e).step() == 3), client.events().toString());
            });
            assertTrue(client.events().stream().noneMatch(e -> e.data().contains(other)),
                    "another experiment's event: " + client.events());
            SseEvent pruned = client.events(VariantPruned.TYPE.name()).get(0);
            assertEquals(3, new EventDeserializer<>(VariantPruned.TYPE).deserialize(VariantPruned.TYPE.name(),
                    pruned.data().getBytes(StandardCharsets.UTF_8)).n());
            assertTrue(pruned.id() != null && !pruned.id().isEmpty(), "the CloudEvents id: " + pruned);
        }
    }

    private static HealProgress read(SseEvent event) {
        return new EventDeserializer<>(HealProgress.TYPE).deserialize(HealProgress.TYPE.name(),
                event.data().getBytes(StandardCharsets.UTF_8));
    }
}
