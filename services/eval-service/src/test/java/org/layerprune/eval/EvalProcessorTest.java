package org.layerprune.eval;

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
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import java.util.OptionalInt;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.layerprune.contracts.artifact.ArtifactRef;
import org.layerprune.contracts.events.ErrorCode;
import org.layerprune.contracts.events.EvalTaskName;
import org.layerprune.contracts.events.Event;
import org.layerprune.contracts.events.LossPoint;
import org.layerprune.contracts.events.PipelineStage;
import org.layerprune.contracts.events.PruneStrategy;
import org.layerprune.contracts.events.ScoreMetric;
import org.layerprune.contracts.events.StageFailed;
import org.layerprune.contracts.events.TaskScore;
import org.layerprune.contracts.events.VariantEvaluated;
import org.layerprune.contracts.events.VariantHealed;
import org.layerprune.contracts.events.VariantId;
import org.layerprune.contracts.events.VariantPruned;
import org.layerprune.contracts.events.VariantStage;
import org.layerprune.contracts.kafka.CloudEvent;
import org.layerprune.core.prune.BlockSelection;
import org.layerprune.core.prune.LayerPruner;
import org.layerprune.core.prune.PruneReport;
import org.layerprune.core.prune.Provenance;
import org.layerprune.stage.StageMetrics;
import org.layerprune.stage.testing.EventClient;
import org.layerprune.stage.testing.SharedFixtures;
import org.layerprune.stage.testing.StageServiceTest;
import org.layerprune.testkit.KafkaBrokerResource;

/** The eval service against a real broker, on stories260K and the loss task. */
@QuarkusTest
@WithTestResource(value = KafkaBrokerResource.class, initArgs = {
        @ResourceArg(name = KafkaBrokerResource.TOPICS,
                value = "variants.pruned,variants.healed,variants.evaluated,stage.failed,eval-service.dlq"),
        @ResourceArg(name = KafkaBrokerResource.PARTITIONS, value = "2")})
class EvalProcessorTest extends StageServiceTest {

    @Test
    void scoresTheBaselineOnTheLossTask() {
        String id = SharedFixtures.experimentId("eval");
        kafka.send(baseline(id, modelHash));

        ConsumerRecord<String, byte[]> record = kafka.await("variants.evaluated",
                r -> r.key().equals(id + "-n0-baseline"), 1, WITHIN).get(0);
        VariantEvaluated evaluated = EventClient.read(VariantEvaluated.TYPE, record).orElseThrow();

        assertEquals(VariantStage.BASELINE, evaluated.stage());
        assertEquals(modelHash, evaluated.checkpointHash());
        assertEquals(List.of(ScoreMetric.LOSS, ScoreMetric.PERPLEXITY, ScoreMetric.NORMALIZED_LOSS),
                evaluated.results().stream().map(TaskScore::metric).toList());
        TaskScore loss = evaluated.results().get(0);
        assertEquals(EvalTaskName.LOSS, loss.task());
        assertEquals(16, loss.count());
        assertTrue(loss.value() > 0 && Double.isFinite(loss.value()), "loss " + loss.value());
        assertEquals(Math.exp(loss.value()), evaluated.results().get(1).value(), 1e-6 * Math.exp(loss.value()));
        assertEquals("/layerprune/eval-service", CloudEvent.readFrom(record.headers()).source());
        assertTrue(Files.isRegularFile(root.resolve("experiments/" + id + "/variants/" + id
                + "-n0-baseline/eval/loss-0.json")));
    }

    @Test
    void scoresPrunedAndHealedVariants() {
        String id = SharedFixtures.experimentId("variants");
        VariantId pruned = VariantId.pruned(id, 1);
        Path checkpoint = root.resolve("experiments/" + id + "/variants/" + pruned + "/checkpoint");
        PruneReport report = LayerPruner.prune(root.resolve("models/stories260K"), BlockSelection.of(2, 1, 5),
                Provenance.manual(), checkpoint, false);
        ArtifactRef ref = ArtifactRef.of(root.toAbsolutePath(), checkpoint);

        kafka.send(new VariantPruned(Event.SCHEMA_VERSION, id, pruned, Instant.now(), 1, OptionalInt.of(2),
                PruneStrategy.SIMILARITY, List.of(2), 5, 4, ref, report.outputHash(), modelHash,
                report.parameters(), 0.1, SharedFixtures.heal(), SharedFixtures.evalTasks()));
        // the pruned checkpoint stands in for a merged one: evaluation reads either the same way
        kafka.send(new VariantHealed(Event.SCHEMA_VERSION, id, pruned.healed(), pruned, Instant.now(), 1,
                ArtifactRef.of("experiments/" + id + "/variants/" + pruned.healed() + "/adapter"), ref,
                report.outputHash(), List.of(new LossPoint(4, 3.0)), 3.5, 3.0, 4, 512, 1.0,
                SharedFixtures.evalTasks()));
        List<VariantEvaluated> both = kafka.awaitEvents(VariantEvaluated.TYPE, e -> e.experimentId().equals(id), 2,
                WITHIN);

        assertEquals(List.of(VariantStage.PRUNED, VariantStage.HEALED),
                both.stream().map(VariantEvaluated::stage).sorted().toList());
        assertEquals(both.get(0).results(), both.get(1).results());
    }

    @Test
    void evaluatesOnceWhenTheSameVariantArrivesTwice() throws Exception {
        String id = SharedFixtures.experimentId("twice");
        double reusedBefore = outcomes("reused");

        kafka.send(baseline(id, modelHash));
        kafka.awaitEvents(VariantEvaluated.TYPE, e -> e.experimentId().equals(id), 1, WITHIN);
        Path result = root.resolve("experiments/" + id + "/variants/" + id + "-n0-baseline/eval/loss-0.json");
        FileTime written = Files.getLastModifiedTime(result);
        kafka.send(baseline(id, modelHash));
        List<VariantEvaluated> both = kafka.awaitEvents(VariantEvaluated.TYPE, e -> e.experimentId().equals(id), 2,
                WITHIN);

        assertEquals(both.get(0), both.get(1));
        assertEquals(written, Files.getLastModifiedTime(result));
        assertEquals(reusedBefore + 1, outcomes("reused"));
        String scrape = get(metrics);
        assertTrue(Pattern.compile("layerprune_stage_duration_seconds_count\\{outcome=\"success\",stage=\"eval\"} "
                + "[1-9]").matcher(scrape).find(), scrape);
    }

    @Test
    void sendsUnreadableEventToDeadLetterTopic() {
        String key = SharedFixtures.experimentId("garbage");
        byte[] garbage = new byte[] {(byte) 0xff, 0x00, 0x7b};

        kafka.sendRaw("variants.healed", key, garbage);
        ConsumerRecord<String, byte[]> dead = kafka.await("eval-service.dlq", r -> key.equals(r.key()), 1, WITHIN)
                .get(0);

        assertArrayEquals(garbage, dead.value());
        assertTrue(EventClient.header(dead, "dead-letter-reason").startsWith("variants.healed"
                + " (org.layerprune.variants.healed.v1)"), EventClient.header(dead, "dead-letter-reason"));
    }

    @Test
    void emitsStageFailedWhenTheCheckpointIsNotTheOneNamed() {
        String id = SharedFixtures.experimentId("changed");
        kafka.send(baseline(id, "f".repeat(64)));

        StageFailed failed = kafka.awaitEvents(StageFailed.TYPE, e -> e.experimentId().equals(id), 1, WITHIN).get(0);

        assertEquals(PipelineStage.EVAL, failed.stage());
        assertEquals(ErrorCode.CHECKPOINT_INVALID, failed.code());
        assertEquals(VariantId.baseline(id), failed.variantId().orElseThrow());
        assertFalse(failed.retriable());
        assertTrue(failed.message().startsWith("models/stories260K: content hash"), failed.message());
    }

    private static VariantPruned baseline(String id, String hash) {
        return new VariantPruned(Event.SCHEMA_VERSION, id, VariantId.baseline(id), Instant.now(), 0,
                OptionalInt.empty(), PruneStrategy.SIMILARITY, List.of(), 5, 5, SharedFixtures.MODEL, hash, hash,
                260_000, 0.0, SharedFixtures.heal(), SharedFixtures.evalTasks());
    }

    private double outcomes(String outcome) {
        return registry.get(StageMetrics.OUTCOME).tags("stage", "eval", "outcome", outcome).counter().count();
    }

    private static String get(URI uri) throws IOException, InterruptedException {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(uri).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }
}
