package org.layerprune.control;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.layerprune.contracts.kafka.EventJson;
import org.layerprune.stage.testing.EventClient;
import org.layerprune.testkit.EmbeddedKafkaBroker;

/**
 * The packaged control service as child JVMs on a broker in this JVM, topics of two partitions: two instances each
 * hold part of the views and answer for all of them; an instance that lost its disk restores every view from the
 * changelog.
 */
class ControlInstancesIT {

    private static final Duration WITHIN = Duration.ofMinutes(3);
    private static final int PARTITIONS = 2;

    private static final Path TARGET = Path.of("target").toAbsolutePath();
    private static EmbeddedKafkaBroker broker;

    @BeforeAll
    static void startBroker() {
        broker = EmbeddedKafkaBroker.start(TARGET.resolve("it-kafka-" + UUID.randomUUID().toString().substring(0, 8)));
        broker.createTopics(List.of(ControlTopics.ALL.split(",")), PARTITIONS);
    }

    @AfterAll
    static void stopBroker() {
        broker.close();
    }

    /** {@code count} experiment ids on each of the partitions, as the default partitioner places keys. */
    private static List<String> experimentsOnEveryPartition(String prefix, int count) {
        Map<Integer, List<String>> byPartition = new HashMap<>();
        for (int i = 0; byPartition.values().stream().mapToInt(List::size).sum() < count * PARTITIONS; i++) {
            String id = prefix + "-" + i;
            int partition = Utils.toPositive(Utils.murmur2(id.getBytes(StandardCharsets.UTF_8))) % PARTITIONS;
            List<String> ids = byPartition.computeIfAbsent(partition, p -> new ArrayList<>());
            if (ids.size() < count) {
                ids.add(id);
            }
        }
        return byPartition.values().stream().flatMap(List::stream).sorted().toList();
    }

    @Test
    void everyInstanceAnswersForEveryExperiment() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        List<String> ids = experimentsOnEveryPartition("shared-" + run, 3);
        try (ControlProcess a = ControlProcess.start("a", broker.bootstrapServers(), "control-it-" + run,
                        TARGET.resolve("it-state-" + run + "-a"), TARGET);
                ControlProcess b = ControlProcess.start("b", broker.bootstrapServers(), "control-it-" + run,
                        TARGET.resolve("it-state-" + run + "-b"), TARGET);
                EventClient kafka = new EventClient(broker.bootstrapServers())) {
            a.awaitReady(WITHIN);
            b.awaitReady(WITHIN);
            for (String id : ids) {
                ExperimentEvents.finished(id, 1, 3).forEach(kafka::send);
            }

            // once the group has settled, each instance holds some of the views itself
            await().atMost(WITHIN).untilAsserted(() -> {
                Set<String> ofA = local(a, run);
                Set<String> ofB = local(b, run);
                assertFalse(ofA.isEmpty(), "a holds none: " + ofB);
                assertFalse(ofB.isEmpty(), "b holds none: " + ofA);
                Set<String> both = new TreeSet<>(ofA);
                both.addAll(ofB);
                assertEquals(new TreeSet<>(ids), both);
            });
            for (ControlProcess instance : List.of(a, b)) {
                ControlTestClient api = instance.api();
                await().atMost(WITHIN).untilAsserted(() -> assertEquals(ids, listed(api, run), "GET /experiments on "
                        + instance));
                for (String id : ids) {
                    JsonNode view = api.json("/experiments/" + id);
                    assertEquals(id, view.get("experimentId").asText(), instance.toString());
                    assertEquals("done", view.get("state").asText(), id + " on " + instance);
                    assertEquals(3, api.json("/experiments/" + id + "/curve").get("points").size());
                    assertEquals(200, api.get("/experiments/" + id + "/heatmap").statusCode());
                }
                assertEquals(404, api.get("/experiments/" + run + "-unknown").statusCode());
                for (String id : ids) { // an id held here or by the other instance, reused with other settings
                    HttpResponse<byte[]> reused = api.post("/experiments", EventJson.mapper().writeValueAsString(
                            ExperimentEvents.requested(id, 4)));
                    assertEquals(409, reused.statusCode(), id + " on " + instance + ": " + new String(reused.body(),
                            StandardCharsets.UTF_8));
                }
            }
        }
    }

    @Test
    void anInstanceThatLostItsStateRestoresEveryViewFromTheChangelog() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        List<String> ids = experimentsOnEveryPartition("restored-" + run, 2);
        Path state = TARGET.resolve("it-state-" + run);
        Map<String, JsonNode> before = new HashMap<>();
        try (EventClient kafka = new EventClient(broker.bootstrapServers())) {
            try (ControlProcess first = ControlProcess.start("first", broker.bootstrapServers(), "control-it-" + run,
                    state, TARGET)) {
                first.awaitReady(WITHIN);
                for (String id : ids) {
                    ExperimentEvents.finished(id, 2).forEach(kafka::send);
                }
                kafka.send(ExperimentEvents.requested(ids.get(0) + "-late", 1));
                ControlTestClient api = first.api();
                await().atMost(WITHIN).untilAsserted(() -> {
                    for (String id : ids) {
                        assertEquals("done", api.json("/experiments/" + id).get("state").asText(), id);
                    }
                    assertEquals("probing", api.json("/experiments/" + ids.get(0) + "-late").get("state").asText());
                });
                for (String id : listed(api, run)) {
                    before.put(id, api.json("/experiments/" + id));
                }
                // every input record folded and its offset committed: what comes back below comes from the changelog
                await().atMost(WITHIN).untilAsserted(() -> assertEquals(Map.of(), behind("control-it-" + run)));
                first.stop();
            }
            assertEquals(Map.of(), behind("control-it-" + run));
            deleteTree(state);

            try (ControlProcess second = ControlProcess.start("second", broker.bootstrapServers(),
                    "control-it-" + run, state, TARGET)) {
                second.awaitReady(WITHIN);
                ControlTestClient api = second.api();
                await().atMost(WITHIN).untilAsserted(() -> assertEquals(new TreeSet<>(before.keySet()),
                        new TreeSet<>(listed(api, run))));
                for (Map.Entry<String, JsonNode> view : before.entrySet()) {
                    assertEquals(view.getValue(), api.json("/experiments/" + view.getKey()), view.getKey());
                }
            }
        }
    }

    /** The ids of this test's {@code run} that GET /experiments lists, in order (the broker is shared). */
    private static List<String> listed(ControlTestClient api, String run) {
        List<String> ids = new ArrayList<>();
        api.json("/experiments").forEach(summary -> ids.add(summary.get("experimentId").asText()));
        return ids.stream().filter(id -> id.contains(run)).toList();
    }

    /** The ids an instance holds itself: its answer to a request marked as forwarded, which it never forwards. */
    private static Set<String> local(ControlProcess instance, String run) {
        HttpResponse<byte[]> response = instance.api().getForwarded("/experiments");
        assertEquals(200, response.statusCode(), new String(response.body(), StandardCharsets.UTF_8));
        Set<String> ids = new TreeSet<>();
        ControlTestClient.json(response).forEach(summary -> ids.add(summary.get("experimentId").asText()));
        ids.removeIf(id -> !id.contains(run));
        return ids;
    }

    /** The input partitions where group {@code applicationId}'s committed offset is short of the end, by how much. */
    private static Map<TopicPartition, Long> behind(String applicationId) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                broker.bootstrapServers()))) {
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(applicationId)
                    .partitionsToOffsetAndMetadata().get();
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            for (String topic : ControlTopics.ALL.split(",")) {
                for (int p = 0; p < PARTITIONS; p++) {
                    latest.put(new TopicPartition(topic, p), OffsetSpec.latest());
                }
            }
            Map<TopicPartition, Long> behind = new HashMap<>();
            admin.listOffsets(latest).all().get().forEach((partition, end) -> {
                OffsetAndMetadata offset = committed.get(partition);
                long at = offset == null ? 0 : offset.offset();
                if (at < end.offset()) {
                    behind.put(partition, end.offset() - at);
                }
            });
            return behind;
        }
    }

    private static void deleteTree(Path dir) throws Exception {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(file);
            }
        }
    }
}
