package org.layerprune.heal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
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
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import io.smallrye.common.annotation.Identifier;
import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordMetadata;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.Metadata;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.layerprune.contracts.artifact.ArtifactRef;
import org.layerprune.contracts.events.ErrorCode;
import org.layerprune.contracts.events.Event;
import org.layerprune.contracts.events.HealProgress;
import org.layerprune.contracts.events.HealSettings;
import org.layerprune.contracts.events.LoraTarget;
import org.layerprune.contracts.events.PipelineStage;
import org.layerprune.contracts.events.PruneStrategy;
import org.layerprune.contracts.events.Quantization;
import org.layerprune.contracts.events.StageFailed;
import org.layerprune.contracts.events.VariantHealed;
import org.layerprune.contracts.events.VariantId;
import org.layerprune.contracts.events.VariantPruned;
import org.layerprune.contracts.kafka.CloudEvent;
import org.layerprune.core.checkpoint.Checkpoint;
import org.layerprune.core.checkpoint.CheckpointHash;
import org.layerprune.core.heal.HealData;
import org.layerprune.core.heal.HealResult;
import org.layerprune.core.heal.Healer;
import org.layerprune.core.heal.LoraConfig;
import org.layerprune.core.heal.LoraTrainer;
import org.layerprune.core.heal.PeftAdapter;
import org.layerprune.core.model.LlamaModel;
import org.layerprune.core.prune.BlockSelection;
import org.layerprune.core.prune.LayerPruner;
import org.layerprune.core.prune.PruneReport;
import org.layerprune.core.prune.Provenance;
import org.layerprune.core.tokenizer.Tokenizer;
import org.layerprune.stage.ArtifactRoot;
import org.layerprune.stage.StageMetrics;
import org.layerprune.stage.testing.EventClient;
import org.layerprune.stage.testing.SharedFixtures;
import org.layerprune.stage.testing.StageServiceTest;
import org.layerprune.testkit.KafkaBrokerResource;

/** The heal service against a real broker: short QLoRA heals of stories260K with two layers removed. */
@QuarkusTest
@WithTestResource(value = KafkaBrokerResource.class, initArgs = {
        @ResourceArg(name = KafkaBrokerResource.TOPICS,
                value = "variants.pruned,heal.progress,variants.healed,stage.failed,heal-service.dlq"),
        @ResourceArg(name = KafkaBrokerResource.PARTITIONS, value = "2")})
class HealProcessorTest extends StageServiceTest {

    /** 8 updates of 4 rows of 64 tokens, rank 4, a checkpoint every 2 updates. */
    private static final int STEPS = 8;

    @Inject
    HealProcessor processor;

    @Inject
    @Identifier(HealRebalanceListener.NAME)
    HealRebalanceListener rebalance;

    private ArtifactRoot artifacts;

    @BeforeEach
    void layOut() {
        artifacts = new ArtifactRoot(root);
    }

    @Test
    void healsAPrunedVariantAndReportsProgress() {
        VariantPruned variant = pruned(SharedFixtures.experimentId("heal"), heal(SharedFixtures.CALIBRATION));
        VariantId healedId = variant.variantId().healed();
        kafka.send(variant);

        ConsumerRecord<String, byte[]> record = kafka.await("variants.healed",
                r -> r.key().equals(healedId.toString()), 1, WITHIN).get(0);
        VariantHealed healed = EventClient.read(VariantHealed.TYPE, record).orElseThrow();
        List<HealProgress> progress = kafka.awaitEvents(HealProgress.TYPE, e -> e.variantId().equals(healedId), 4,
                WITHIN);

        assertEquals(variant.variantId(), healed.sourceVariantId());
        assertEquals(STEPS, healed.steps());
        assertEquals(STEPS * 4L * 64, healed.tokens());
        assertEquals(List.of(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L), healed.lossCurve().stream().map(p -> p.step()).toList());
        assertTrue(healed.evalLossAfter() < healed.evalLossBefore(), healed.evalLossBefore() + " -> "
                + healed.evalLossAfter());
        assertEquals(ArtifactRef.of("experiments/" + variant.experimentId() + "/variants/" + healedId + "/heal/merged"),
                healed.checkpoint());
        Path merged = artifacts.resolve(healed.checkpoint());
        try (Checkpoint checkpoint = Checkpoint.open(merged)) {
            assertEquals(healed.checkpointHash(), CheckpointHash.of(checkpoint));
        }
        try (LlamaModel model = LlamaModel.load(merged, Device.cpu())) {
            assertEquals(3, model.config().numHiddenLayers());
        }
        assertTrue(Files.isRegularFile(artifacts.resolve(healed.adapter()).resolve(PeftAdapter.CONFIG_FILE)));
        CloudEvent header = CloudEvent.readFrom(record.headers());
        assertEquals("/layerprune/heal-service", header.source());
        assertEquals(healedId.toString(), header.subject());
        assertEquals(List.of(2L, 4L, 6L, 8L), progress.stream().map(HealProgress::step).sorted().toList());
        assertTrue(progress.stream().filter(p -> p.step() == 4).findFirst().orElseThrow().evalLoss().isPresent());
        assertTrue(progress.stream().allMatch(p -> p.totalSteps() == STEPS && p.tokensPerSecond() > 0));
    }

    @Test
    void resumesTheHealAWorkerLeftUnfinished() throws IOException {
        VariantPruned variant = pruned(SharedFixtures.experimentId("resume"), heal(SharedFixtures.CALIBRATION));
        VariantId healedId = variant.variantId().healed();
        Path out = artifacts.healDir(healedId);
        healInTest(variant, out, 4); // what a worker stopped after 4 updates leaves
        assertTrue(Files.isDirectory(out.resolve(Healer.CHECKPOINTS_DIR)));
        assertFalse(Files.exists(out.resolve(Healer.RESULT_FILE)));

        kafka.send(variant);
        kafka.awaitEvents(VariantHealed.TYPE, e -> e.variantId().equals(healedId), 1, WITHIN);
        List<HealProgress> progress = kafka.awaitEvents(HealProgress.TYPE, e -> e.variantId().equals(healedId), 2,
                WITHIN);

        assertEquals(4, HealResult.read(out.resolve(Healer.RESULT_FILE)).resumedFrom());
        assertEquals(List.of(6L, 8L), progress.stream().map(HealProgress::step).sorted().toList());
        Path uninterrupted = root.resolveSibling("uninterrupted-" + variant.experimentId());
        healInTest(variant, uninterrupted, Integer.MAX_VALUE);
        assertArrayEquals(Files.readAllBytes(uninterrupted.resolve("adapter/adapter_model.safetensors")),
                Files.readAllBytes(out.resolve("adapter/adapter_model.safetensors")));
    }

    /**
     * What a worker does when the group moves a partition away mid-heal (another worker joined, say): the rebalance
     * callback cancels the heal of that partition's record and returns only once it has checkpointed and stopped,
     * leaving the record unacknowledged; whoever gets the record next resumes from that checkpoint. The record is
     * handed to the processor here, from a partition the service's own consumer never reads, so that the revocation
     * is this test's to make (redelivery by the broker is HealWorkersIT's).
     */
    @Test
    void checkpointsAndLetsGoOfAHealWhosePartitionIsRevoked() throws Exception {
        HealSettings longHeal = new HealSettings(SharedFixtures.CALIBRATION, SharedFixtures.EVAL, 60, 1, 3e-3, 4, 4.0,
                0.05, Quantization.NF4, List.of(LoraTarget.GATE_PROJ, LoraTarget.UP_PROJ, LoraTarget.DOWN_PROJ), 4, 64,
                7, 1000); // no periodic checkpoint: the one found later is the revocation's
        VariantPruned variant = pruned(SharedFixtures.experimentId("revoked"), longHeal);
        VariantId healedId = variant.variantId().healed();
        TopicPartition partition = new TopicPartition("variants.pruned", 7);
        AtomicBoolean acknowledged = new AtomicBoolean();
        Message<VariantPruned> record = Message.of(variant, Metadata.of(new IncomingKafkaRecordMetadata<>(
                new ConsumerRecord<>(partition.topic(), partition.partition(), 0L, variant.key(), variant),
                HealProcessor.PRUNED)), () -> {
                    acknowledged.set(true);
                    return CompletableFuture.completedFuture(null);
                });

        CompletableFuture<CompletionStage<Void>> healing = CompletableFuture.supplyAsync(() -> processor.heal(record));
        kafka.awaitEvents(HealProgress.TYPE, e -> e.variantId().equals(healedId) && e.step() >= 10, 1, WITHIN);
        rebalance.onPartitionsRevoked(null, List.of(partition));

        // the checkpoint is on disk when the callback returns, before the partition can go to another worker
        Path out = artifacts.healDir(healedId);
        long checkpointed;
        try (var steps = Files.list(out.resolve(Healer.CHECKPOINTS_DIR))) {
            checkpointed = steps.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("step-"))
                    .mapToLong(n -> Long.parseLong(n.substring("step-".length()))).max().orElseThrow();
        }
        assertTrue(checkpointed >= 10 && checkpointed < 60, "checkpoint at " + checkpointed);
        healing.get(30, TimeUnit.SECONDS).toCompletableFuture().get(); // the worker let go: neither acked nor failed
        assertFalse(acknowledged.get());
        assertFalse(Files.exists(out.resolve(Healer.RESULT_FILE)));

        rebalance.onPartitionsAssigned(null, List.of(partition)); // back to this worker: it resumes
        processor.heal(record).toCompletableFuture().get();

        assertTrue(acknowledged.get());
        assertEquals(checkpointed, HealResult.read(out.resolve(Healer.RESULT_FILE)).resumedFrom());
        kafka.awaitEvents(VariantHealed.TYPE, e -> e.variantId().equals(healedId), 1, WITHIN);
    }

    @Test
    void healsOnceWhenTheSameVariantArrivesTwiceAndCountsTokens() throws Exception {
        VariantPruned variant = pruned(SharedFixtures.experimentId("twice"), heal(SharedFixtures.CALIBRATION));
        VariantId healedId = variant.variantId().healed();
        double reusedBefore = outcomes("reused");

        kafka.send(variant);
        kafka.awaitEvents(VariantHealed.TYPE, e -> e.variantId().equals(healedId), 1, WITHIN);
        Path result = artifacts.healDir(healedId).resolve(Healer.RESULT_FILE);
        FileTime written = Files.getLastModifiedTime(result);
        kafka.send(variant);
        List<VariantHealed> both = kafka.awaitEvents(VariantHealed.TYPE, e -> e.variantId().equals(healedId), 2,
                WITHIN);

        assertEquals(both.get(0), both.get(1));
        assertEquals(written, Files.getLastModifiedTime(result));
        assertEquals(reusedBefore + 1, outcomes("reused"));
        String scrape = get(metrics);
        assertTrue(Pattern.compile("layerprune_heal_tokens_total\\{stage=\"heal\"} [1-9]").matcher(scrape).find(),
                scrape);
        assertTrue(Pattern.compile("layerprune_stage_duration_seconds_count\\{outcome=\"success\",stage=\"heal\"} "
                + "[1-9]").matcher(scrape).find(), scrape);
    }

    @Test
    void acknowledgesTheBaselineWithoutHealingIt() throws Exception {
        String id = SharedFixtures.experimentId("baseline");
        kafka.send(new VariantPruned(Event.SCHEMA_VERSION, id, VariantId.baseline(id), Instant.now(), 0,
                OptionalInt.empty(), PruneStrategy.SIMILARITY, List.of(), 5, 5, SharedFixtures.MODEL, modelHash,
                modelHash, 260_000, 0.0, heal(SharedFixtures.CALIBRATION), SharedFixtures.evalTasks()));

        awaitEverythingAcknowledged();
        assertFalse(Files.exists(artifacts.experimentDir(id)));
    }

    @Test
    void sendsUnreadableEventToDeadLetterTopic() {
        String key = SharedFixtures.experimentId("garbage") + "-n1-pruned";
        byte[] garbage = new byte[] {(byte) 0xff, 0x00, 0x7b};

        kafka.sendRaw("variants.pruned", key, garbage);
        ConsumerRecord<String, byte[]> dead = kafka.await("heal-service.dlq", r -> key.equals(r.key()), 1, WITHIN)
                .get(0);

        assertArrayEquals(garbage, dead.value());
        assertTrue(EventClient.header(dead, "dead-letter-reason").startsWith("variants.pruned"
                + " (org.layerprune.variants.pruned.v1)"), EventClient.header(dead, "dead-letter-reason"));
    }

    @Test
    void emitsStageFailedWhenTheTrainingDataLeadsOutOfTheArtifactRoot() throws IOException {
        Path outside = Files.writeString(root.resolveSibling("outside.jsonl"), "{\"input_ids\": [1, 2, 3]}\n");
        Path link = root.resolve("data/escape.jsonl");
        Files.deleteIfExists(link);
        Files.createSymbolicLink(link, outside.toAbsolutePath());
        VariantPruned variant = pruned(SharedFixtures.experimentId("escape"), heal(ArtifactRef.of("data/escape.jsonl")));

        kafka.send(variant);
        StageFailed failed = kafka.awaitEvents(StageFailed.TYPE,
                e -> e.experimentId().equals(variant.experimentId()), 1, WITHIN).get(0);

        assertEquals(PipelineStage.HEAL, failed.stage());
        assertEquals(ErrorCode.OUTSIDE_ARTIFACT_ROOT, failed.code());
        assertEquals(variant.variantId().healed(), failed.variantId().orElseThrow());
        assertFalse(failed.retriable());
        assertFalse(failed.message().contains(root.toAbsolutePath().toString()), failed.message());
    }

    /** stories260K with layers 1 and 2 removed, as the prune service makes it, under the artifact root. */
    private VariantPruned pruned(String experimentId, HealSettings heal) {
        VariantId id = VariantId.pruned(experimentId, 2);
        PruneReport report = LayerPruner.prune(root.resolve(SharedFixtures.MODEL.path()), BlockSelection.of(1, 2, 5),
                Provenance.manual(), artifacts.checkpointDir(id), false);
        return new VariantPruned(Event.SCHEMA_VERSION, experimentId, id, Instant.now(), 2, OptionalInt.of(1),
                PruneStrategy.SIMILARITY, List.of(1, 2), 5, 3, artifacts.ref(report.output()), report.outputHash(),
                modelHash, report.parameters(), 0.1, heal, SharedFixtures.evalTasks());
    }

    private static HealSettings heal(ArtifactRef data) {
        return new HealSettings(data, SharedFixtures.EVAL, STEPS, 1, 3e-3, 4, 4.0, 0.05, Quantization.NF4,
                List.of(LoraTarget.GATE_PROJ, LoraTarget.UP_PROJ, LoraTarget.DOWN_PROJ), 4, 64, 7, 2);
    }

    /**
     * Heals {@code variant} here, as the service would (its %test settings: micro-batch 4, a validation every 4
     * updates on 8 sequences), stopping after {@code updates} as a worker that loses the variant does.
     */
    private void healInTest(VariantPruned variant, Path out, int updates) throws IOException {
        Path model = artifacts.resolve(variant.checkpoint());
        HealSettings heal = variant.heal();
        org.layerprune.core.heal.HealSettings settings = new org.layerprune.core.heal.HealSettings(
                new LoraConfig(heal.rank(), heal.alpha(), heal.dropout(), LoraConfig.MLP),
                LoraTrainer.Quantization.NF4, heal.steps(), heal.batchSize(), 4, heal.sequenceLength(),
                heal.learningRate(), heal.warmupSteps(), heal.seed(), 4, heal.checkpointEvery(), 4);
        Optional<Tokenizer> tokenizer = Tokenizer.fromCheckpoint(model);
        AtomicInteger done = new AtomicInteger();
        try (LlamaModel loaded = LlamaModel.load(model, Device.cpu())) {
            Healer.Inputs inputs = new Healer.Inputs(model, loaded,
                    HealData.trainingDocuments(artifacts.resolve(heal.data()), tokenizer),
                    HealData.validationSequences(artifacts.resolve(heal.evalData()), tokenizer, 64, 8));
            Healer.run(inputs, settings, out, new Healer.Listener() {
                @Override
                public void stepDone(org.layerprune.core.heal.TrainingLog.Entry entry, long totalSteps) {
                    done.incrementAndGet();
                }
            }, () -> done.get() >= updates);
        } catch (CancellationException expected) {
            assertEquals(updates, done.get());
        } finally {
            tokenizer.ifPresent(Tokenizer::close);
        }
    }

    /** Waits until the service's group has committed every record of variants.pruned. */
    private void awaitEverythingAcknowledged() throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
            List<TopicPartition> partitions = List.of(new TopicPartition("variants.pruned", 0),
                    new TopicPartition("variants.pruned", 1));
            long deadline = System.nanoTime() + WITHIN.toNanos();
            while (true) {
                Map<TopicPartition, Long> ends = admin.listOffsets(partitions.stream().collect(
                        java.util.stream.Collectors.toMap(p -> p, p -> OffsetSpec.latest()))).all().get()
                        .entrySet().stream().collect(java.util.stream.Collectors.toMap(Map.Entry::getKey,
                                e -> e.getValue().offset()));
                Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets("heal-service")
                        .partitionsToOffsetAndMetadata().get();
                boolean all = partitions.stream().allMatch(p -> ends.get(p) == 0 || committed.get(p) != null
                        && committed.get(p).offset() == ends.get(p));
                if (all) {
                    return;
                }
                assertTrue(System.nanoTime() < deadline, "not every record acknowledged: ends " + ends
                        + ", committed " + committed);
                Thread.sleep(200);
            }
        }
    }

    private double outcomes(String outcome) {
        return registry.get(StageMetrics.OUTCOME).tags("stage", "heal", "outcome", outcome).counter().count();
    }

    private static String get(URI uri) throws IOException, InterruptedException {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(uri).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }
}
