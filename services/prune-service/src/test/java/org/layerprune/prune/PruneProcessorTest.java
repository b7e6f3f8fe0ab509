package org.layerprune.prune;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.layerprune.contracts.artifact.ArtifactRef;
import org.layerprune.contracts.events.ErrorCode;
import org.layerprune.contracts.events.PipelineStage;
import org.layerprune.contracts.events.PruneStrategy;
import org.layerprune.contracts.events.SimilarityProbed;
import org.layerprune.contracts.events.StageFailed;
import org.layerprune.contracts.events.VariantId;
import org.layerprune.contracts.events.VariantPruned;
import org.layerprune.contracts.kafka.CloudEvent;
import org.layerprune.core.checkpoint.Checkpoint;
import org.layerprune.core.checkpoint.CheckpointHash;
import org.layerprune.core.model.LlamaConfig;
import org.layerprune.core.model.LlamaModel;
import org.layerprune.stage.StageMetrics;
import org.layerprune.stage.testing.EventClient;
import org.layerprune.stage.testing.SharedFixtures;
import org.layerprune.stage.testing.StageServiceTest;
import org.layerprune.testkit.KafkaBrokerResource;

/** The prune service against a real broker, on stories260K. */
@QuarkusTest
@WithTestResource(value = KafkaBrokerResource.class, initArgs = {
        @ResourceArg(name = KafkaBrokerResource.TOPICS,
                value = "similarity.probed,variants.pruned,stage.failed,prune-service.dlq"),
        @ResourceArg(name = KafkaBrokerResource.PARTITIONS, value = "2")})
class PruneProcessorTest extends StageServiceTest {

    @Test
    void emitsTheBaselineAndOnePrunedVariantPerBlockSize() throws IOException {
        String id = SharedFixtures.experimentId("prune");
        kafka.send(SharedFixtures.probed(id, modelHash, PruneStrategy.SIMILARITY, List.of(1, 3)));

        List<ConsumerRecord<String, byte[]>> records = kafka.await("variants.pruned",
                r -> r.key().startsWith(id + "-n"), 3, WITHIN);
        List<VariantPruned> variants = records.stream()
                .map(r -> EventClient.read(VariantPruned.TYPE, r).orElseThrow())
                .sorted(Comparator.comparingInt(VariantPruned::n)).toList();

        VariantPruned baseline = variants.get(0);
        assertEquals(VariantId.baseline(id), baseline.variantId());
        assertEquals(ArtifactRef.of("models/stories260K"), baseline.checkpoint());
        assertEquals(modelHash, baseline.checkpointHash());
        assertEquals(OptionalInt.empty(), baseline.lStar());
        assertEquals(parameters(root.resolve("models/stories260K")), baseline.parameters());
        VariantPruned three = variants.get(2);
        assertEquals(VariantId.pruned(id, 3), three.variantId());
        assertEquals(OptionalInt.of(1), three.lStar());
        assertEquals(List.of(1, 2, 3), three.removedLayers());
        assertEquals(2, three.layersAfter());
        assertEquals(ArtifactRef.of("experiments/" + id + "/variants/" + id + "-n3-pruned/checkpoint"),
                three.checkpoint());
        Path checkpoint = root.resolve(three.checkpoint().path());
        assertEquals(hashOf(checkpoint), three.checkpointHash());
        assertEquals(2, LlamaConfig.read(checkpoint.resolve("config.json")).numHiddenLayers());
        assertEquals(parameters(checkpoint), three.parameters());
        assertEquals(SharedFixtures.evalTasks(), three.evalTasks());
        // the recipe names the model as the artifact root knows it, not as this worker's file system does
        String recipe = Files.readString(checkpoint.resolve("mergekit.yaml"));
        assertTrue(recipe.contains("      - model: \"models/stories260K\"\n        layer_range: [4, 5]\n"), recipe);
        assertFalse(recipe.contains(root.toString()), recipe);
        for (ConsumerRecord<String, byte[]> record : records) {
            CloudEvent ce = CloudEvent.readFrom(record.headers());
            assertEquals("org.layerprune.variants.pruned.v1", ce.type());
            assertEquals(record.key(), ce.subject());
        }
    }

    @Test
    void theSimpleStrategyDropsTheDeepestLayersBeforeTheLast() {
        String id = SharedFixtures.experimentId("simple");
        kafka.send(SharedFixtures.probed(id, modelHash, PruneStrategy.SIMPLE, List.of(2)));

        VariantPruned two = kafka.awaitEvents(VariantPruned.TYPE, e -> e.variantId().equals(VariantId.pruned(id, 2)),
                1, WITHIN).get(0);

        assertEquals(List.of(2, 3), two.removedLayers());
        assertEquals(PruneStrategy.SIMPLE, two.strategy());
    }

    @Test
    void prunesOnceWhenTheSameProbeArrivesTwice() throws Exception {
        String id = SharedFixtures.experimentId("twice");
        SimilarityProbed probed = SharedFixtures.probed(id, modelHash, PruneStrategy.SIMILARITY, List.of(2));
        double reusedBefore = outcomes("reused");

        kafka.send(probed);
        kafka.awaitEvents(VariantPruned.TYPE, e -> e.experimentId().equals(id), 2, WITHIN);
        Path weights = root.resolve("experiments/" + id + "/variants/" + id + "-n2-pruned/checkpoint/model.safetensors");
        FileTime written = Files.getLastModifiedTime(weights);
        kafka.send(probed);
        List<VariantPruned> all = kafka.awaitEvents(VariantPruned.TYPE, e -> e.experimentId().equals(id), 4, WITHIN);

        assertEquals(2, all.stream().distinct().count(), "each variant twice, identical: " + all);
        assertEquals(written, Files.getLastModifiedTime(weights));
        assertEquals(reusedBefore + 2, outcomes("reused"));
        String scrape = get(metrics);
        assertTrue(Pattern.compile("layerprune_stage_duration_seconds_count\\{outcome=\"success\",stage=\"prune\"} "
                + "[1-9]").matcher(scrape).find(), scrape);
    }

    @Test
    void sendsUnreadableEventToDeadLetterTopic() {
        String key = SharedFixtures.experimentId("garbage");
        byte[] garbage = "{\"schemaVersion\": 1, \"layers\": 1}".getBytes(StandardCharsets.UTF_8);

        kafka.sendRaw("similarity.probed", key, garbage);
        ConsumerRecord<String, byte[]> dead = kafka.await("prune-service.dlq", r -> key.equals(r.key()), 1, WITHIN)
                .get(0);

        assertArrayEquals(garbage, dead.value());
        assertTrue(EventClient.header(dead, "dead-letter-reason").startsWith("similarity.probed"
                + " (org.layerprune.similarity.probed.v1)"), EventClient.header(dead, "dead-letter-reason"));
    }

    @Test
    void emitsStageFailedForEachVariantOfAModelThatIsNotTheOneProbed() {
        String id = SharedFixtures.experimentId("other");
        String otherHash = "0".repeat(64);
        kafka.send(SharedFixtures.probed(id, otherHash, PruneStrategy.SIMILARITY, List.of(1)));

        List<StageFailed> failed = kafka.awaitEvents(StageFailed.TYPE, e -> e.experimentId().equals(id), 2, WITHIN);

        assertEquals(List.of(Optional.of(VariantId.baseline(id)), Optional.of(VariantId.pruned(id, 1))),
                failed.stream().map(StageFailed::variantId).toList());
        for (StageFailed f : failed) {
            assertEquals(PipelineStage.PRUNE, f.stage());
            assertEquals(ErrorCode.CHECKPOINT_INVALID, f.code());
            assertFalse(f.retriable());
            assertTrue(f.message().startsWith("models/stories260K"), f.message());
        }
        assertFalse(Files.exists(root.resolve("experiments/" + id + "/variants/" + id + "-n1-pruned/checkpoint")));
    }

    private double outcomes(String outcome) {
        return registry.get(StageMetrics.OUTCOME).tags("stage", "prune", "outcome", outcome).counter().count();
    }

    private static long parameters(Path checkpoint) {
        return LlamaModel.parameterCount(LlamaConfig.read(checkpoint.resolve("config.json")));
    }

    private static String hashOf(Path checkpoint) {
        try (Checkpoint opened = Checkpoint.open(checkpoint)) {
            return CheckpointHash.of(opened);
        }
    }

    private static String get(URI uri) throws IOException, InterruptedException {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(uri).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }
}
