package org.layerprune.probe;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
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
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.layerprune.contracts.artifact.ArtifactRef;
import org.layerprune.contracts.events.ArtifactModel;
import org.layerprune.contracts.events.BlockSizes;
import org.layerprune.contracts.events.ErrorCode;
import org.layerprune.contracts.events.ExperimentRequested;
import org.layerprune.contracts.events.HuggingFaceModel;
import org.layerprune.contracts.events.PipelineStage;
import org.layerprune.contracts.events.SimilarityProbed;
import org.layerprune.contracts.events.StageFailed;
import org.layerprune.contracts.kafka.CloudEvent;
import org.layerprune.core.checkpoint.Checkpoint;
import org.layerprune.core.checkpoint.CheckpointHash;
import org.layerprune.stage.StageMetrics;
import org.layerprune.stage.testing.EventClient;
import org.layerprune.stage.testing.SharedFixtures;
import org.layerprune.stage.testing.StageServiceTest;
import org.layerprune.testkit.KafkaBrokerResource;

/** The probe service against a real broker, on stories260K. */
@QuarkusTest
@WithTestResource(value = KafkaBrokerResource.class, initArgs = {
        @ResourceArg(name = KafkaBrokerResource.TOPICS,
                value = "experiments.requested,similarity.probed,stage.failed,probe-service.dlq"),
        @ResourceArg(name = KafkaBrokerResource.PARTITIONS, value = "2")})
class ProbeProcessorTest extends StageServiceTest {

    @TestHTTPResource("/q/health/ready")
    URI ready;

    @Test
    void emitsTheWholeDistanceMatrixForAStories260KRequest() {
        String id = SharedFixtures.experimentId("probe");
        kafka.send(SharedFixtures.request(id, BlockSizes.all()));

        ConsumerRecord<String, byte[]> record = kafka.await("similarity.probed",
                r -> id.equals(r.key()), 1, WITHIN).get(0);
        SimilarityProbed probed = EventClient.read(SimilarityProbed.TYPE, record).orElseThrow();

        assertEquals(5, probed.layers());
        assertEquals(4, probed.distances().size());
        assertEquals(List.of(5, 4, 3, 2), probed.distances().stream().map(List::size).toList());
        assertEquals(List.of(1, 2, 3, 4), probed.blockSizes());
        assertEquals(16, probed.samples());
        assertEquals(ArtifactRef.of("models/stories260K"), probed.model());
        assertEquals(hashOf(root.resolve("models/stories260K")), probed.modelHash());
        assertEquals(probed.heal(), SharedFixtures.heal());
        CloudEvent ce = CloudEvent.readFrom(record.headers());
        assertEquals("org.layerprune.similarity.probed.v1", ce.type());
        assertEquals("/layerprune/probe-service", ce.source());
        assertEquals(id, ce.subject());
        assertTrue(Files.isRegularFile(root.resolve("experiments/" + id + "/probe/probe.json")));
    }

    @Test
    void probesOnceWhenTheSameRequestArrivesTwice() throws Exception {
        String id = SharedFixtures.experimentId("twice");
        ExperimentRequested request = SharedFixtures.request(id, BlockSizes.of(1, 2));
        double reusedBefore = outcomes("reused");

        kafka.send(request);
        kafka.awaitEvents(SimilarityProbed.TYPE, e -> e.experimentId().equals(id), 1, WITHIN);
        Path probeJson = root.resolve("experiments/" + id + "/probe/probe.json");
        FileTime written = Files.getLastModifiedTime(probeJson);
        kafka.send(request);
        List<SimilarityProbed> both = kafka.awaitEvents(SimilarityProbed.TYPE, e -> e.experimentId().equals(id), 2,
                WITHIN);

        assertEquals(both.get(0), both.get(1));
        assertEquals(written, Files.getLastModifiedTime(probeJson));
        assertEquals(reusedBefore + 1, outcomes("reused"));
        String scrape = get(metrics);
        assertTrue(Pattern.compile("layerprune_stage_duration_seconds_count\\{outcome=\"success\",stage=\"probe\"} "
                + "[1-9]").matcher(scrape).find(), scrape);
        assertTrue(Pattern.compile("layerprune_stage_outcome_total\\{outcome=\"reused\",stage=\"probe\"} [1-9]")
                .matcher(scrape).find(), scrape);
    }

    @Test
    void sendsUnreadableEventToDeadLetterTopic() {
        String key = SharedFixtures.experimentId("garbage");
        byte[] garbage = "{\"schemaVersion\": 1, \"experimentId\": ".getBytes(StandardCharsets.UTF_8);

        kafka.sendRaw("experiments.requested", key, garbage);
        ConsumerRecord<String, byte[]> dead = kafka.await("probe-service.dlq", r -> key.equals(r.key()), 1, WITHIN)
                .get(0);

        assertArrayEquals(garbage, dead.value());
        String reason = EventClient.header(dead, "dead-letter-reason");
        assertTrue(reason.contains("experiments.requested (org.layerprune.experiments.requested.v1): not well-formed"
                + " JSON"), reason);
        assertEquals("experiments.requested", EventClient.header(dead, "dead-letter-topic"));
    }

    @Test
    void emitsStageFailedWhenTheModelIsMissing() {
        String id = SharedFixtures.experimentId("missing");
        kafka.send(SharedFixtures.request(id, new ArtifactModel(ArtifactRef.of("models/none")), BlockSizes.all()));

        StageFailed failed = awaitFailure(id);

        assertEquals(PipelineStage.PROBE, failed.stage());
        assertEquals(ErrorCode.NOT_FOUND, failed.code());
        assertFalse(failed.retriable());
        assertEquals("model.ref \"models/none\" names nothing under the artifact root", failed.message());
    }

    @Test
    void refusesAModelLinkedFromOutsideTheArtifactRoot() throws IOException {
        String id = SharedFixtures.experimentId("escape");
        Path link = root.resolve("models/" + id);
        Files.createSymbolicLink(link, Path.of("target").toAbsolutePath());
        kafka.send(SharedFixtures.request(id, new ArtifactModel(ArtifactRef.of("models/" + id)), BlockSizes.all()));

        assertEquals(ErrorCode.OUTSIDE_ARTIFACT_ROOT, awaitFailure(id).code());
    }

    @Test
    void aHuggingFaceModelThatIsNotCachedNeedsANetworkedDeployment() {
        String id = SharedFixtures.experimentId("hub");
        HuggingFaceModel model = new HuggingFaceModel("meta-llama/Llama-2-7b-hf", Optional.empty());
        kafka.send(SharedFixtures.request(id, model, BlockSizes.all()));

        StageFailed failed = awaitFailure(id);

        assertEquals(ErrorCode.NOT_FOUND, failed.code());
        assertFalse(failed.retriable());
        assertTrue(failed.message().endsWith("downloading needs a deployment with network access"),
                failed.message());
    }

    @Test
    void isReadyOnceConnectedToKafka() throws Exception {
        assertTrue(get(ready).contains("\"status\": \"UP\""), get(ready));
    }

    private StageFailed awaitFailure(String id) {
        return kafka.awaitEvents(StageFailed.TYPE, e -> e.experimentId().equals(id), 1, WITHIN).get(0);
    }

    private double outcomes(String outcome) {
        return registry.get(StageMetrics.OUTCOME).tags("stage", "probe", "outcome", outcome).counter().count();
    }

    private static String hashOf(Path model) {
        try (Checkpoint checkpoint = Checkpoint.open(model)) {
            return CheckpointHash.of(checkpoint);
        }
    }

    private static String get(URI uri) throws IOException, InterruptedException {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(uri).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }
}
