package org.layerprune.control.rest;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import javax.xml.parsers.DocumentBuilderFactory;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.layerprune.contracts.events.ExperimentRequested;
import org.layerprune.contracts.kafka.CloudEvent;
import org.layerprune.control.ControlTestClient;
import org.layerprune.control.ControlTopics;
import org.layerprune.control.ExperimentEvents;
import org.layerprune.core.similarity.HeatMap;
import org.layerprune.stage.testing.EventClient;
import org.layerprune.stage.testing.SharedFixtures;
import org.layerprune.testkit.KafkaBrokerResource;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/** The REST API on a real broker: requests go out as events, events from the stages come back as views. */
@QuarkusTest
@WithTestResource(value = KafkaBrokerResource.class, initArgs = @ResourceArg(name = KafkaBrokerResource.TOPICS,
        value = ControlTopics.ALL))
class ExperimentsResourceTest {

    private static final Duration WITHIN = Duration.ofSeconds(60);

    @TestHTTPResource("/")
    URI root;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrapServers;

    private ControlTestClient api;
    private EventClient kafka;

    @BeforeEach
    void connect() {
        api = new ControlTestClient(root);
        kafka = new EventClient(bootstrapServers);
    }

    @AfterEach
    void close() {
        kafka.close();
    }

    private static ObjectNode exampleRequest() {
        return (ObjectNode) ControlTestClient.parse(ExperimentEvents.exampleJson(ExperimentRequested.TYPE,
                "valid-stories260k"));
    }

    @Test
    void submitsARequestWithAnAssignedIdAndPutsItOnTheTopic() {
        ObjectNode body = exampleRequest();
        body.remove("experimentId");
        body.remove("time");

        HttpResponse<byte[]> response = api.post("/experiments", body.toString());

        assertEquals(202, response.statusCode(), new String(response.body()));
        JsonNode submitted = ControlTestClient.json(response);
        String id = submitted.get("experimentId").asText();
        assertTrue(id.matches("exp-[0-9a-f]{12}"), id);
        assertEquals("requested", submitted.get("state").asText());
        assertTrue(response.headers().firstValue("Location").orElseThrow().endsWith("/experiments/" + id));

        ConsumerRecord<String, byte[]> record = kafka.await(ExperimentRequested.TYPE.name(),
                r -> id.equals(r.key()), 1, WITHIN).get(0);
        ExperimentRequested event = EventClient.read(ExperimentRequested.TYPE, record).orElseThrow();
        assertEquals(List.of(1, 2, 3, 4), event.blockSizes().listed());
        assertEquals(ExperimentRequested.TYPE.ceType(), EventClient.header(record, CloudEvent.TYPE_HEADER));
        assertEquals("/layerprune/control-service", EventClient.header(record, CloudEvent.SOURCE_HEADER));
        assertEquals(id, EventClient.header(record, CloudEvent.SUBJECT_HEADER));

        await().atMost(WITHIN).untilAsserted(() -> assertEquals("probing",
                api.json("/experiments/" + id).get("state").asText()));
    }

    @Test
    void keepsTheExperimentIdItIsGiven() {
        String id = SharedFixtures.experimentId("given");
        ObjectNode body = exampleRequest();
        body.put("experimentId", id);

        HttpResponse<byte[]> response = api.post("/experiments", body.toString());

        assertEquals(202, response.statusCode(), new String(response.body()));
        assertEquals(id, ControlTestClient.json(response).get("experimentId").asText());
        kafka.await(ExperimentRequested.TYPE.name(), r -> id.equals(r.key()), 1, WITHIN);
    }

    @Test
    void refusesTheIdOfTheTemplate() {
        ObjectNode body = exampleRequest();
        body.put("experimentId", "template");

        HttpResponse<byte[]> response = api.post("/experiments", body.toString());

        assertEquals(400, response.statusCode(), new String(response.body()));
        assertEquals("experimentId", ControlTestClient.json(response).get("errors").get(0).get("field").asText());
    }

    @Test
    void acceptsARetriedRequestButRefusesAnIdReusedWithOtherSettings() {
        String id = SharedFixtures.experimentId("reused");
        ObjectNode body = exampleRequest();
        body.put("experimentId", id);
        assertEquals(202, api.post("/experiments", body.toString()).statusCode());
        await().atMost(WITHIN).untilAsserted(() -> assertEquals(200, api.get("/experiments/" + id).statusCode()));

        body.put("time", "2026-06-01T00:00:00Z");
        assertEquals(202, api.post("/experiments", body.toString()).statusCode(), "the same request again");
        JsonNode served = api.json("/experiments/" + id).get("request");
        HttpResponse<byte[]> resubmitted = api.post("/experiments", served.toString());
        assertEquals(202, resubmitted.statusCode(), "the view's request as served: " + served + "\n"
                + new String(resubmitted.body()));

        body.putArray("blockSizes").add(2);
        HttpResponse<byte[]> reused = api.post("/experiments", body.toString());
        assertEquals(409, reused.statusCode(), new String(reused.body()));
        assertEquals("experimentId", ControlTestClient.json(reused).get("errors").get(0).get("field").asText());
    }

    @Test
    void refusesAnInvalidRequestNamingEveryFieldAtFault() {
        ObjectNode body = exampleRequest();
        body.remove("metric");
        body.put("colour", "blue");
        ((ObjectNode) body.get("heal")).put("steps", 0);
        body.put("experimentId", "Not An Id");

        HttpResponse<byte[]> response = api.post("/experiments", body.toString());

        assertEquals(400, response.statusCode());
        JsonNode problem = ControlTestClient.json(response);
        List<String> fields = new ArrayList<>();
        problem.get("errors").forEach(error -> fields.add(error.get("field").asText()));
        for (String field : List.of("metric", "colour", "heal.steps", "experimentId")) {
            assertTrue(fields.contains(field), field + " not named in " + problem);
        }
    }

    @Test
    void refusesEveryInvalidSchemaExampleAndBrokenJson() throws IOException {
        Path dir = Path.of(System.getProperty("layerprune.schemas.dir"), "examples", ExperimentRequested.TYPE.name());
        List<Path> invalid;
        try (Stream<Path> files = Files.list(dir)) {
            invalid = files.filter(f -> f.getFileName().toString().startsWith("invalid-")).sorted().toList();
        }
        assertTrue(invalid.size() >= 5);
        for (Path example : invalid) {
            HttpResponse<byte[]> response = api.post("/experiments", Files.readString(example));
            assertEquals(400, response.statusCode(), example + ": " + new String(response.body()));
            assertTrue(ControlTestClient.json(response).get("errors").size() > 0, example.toString());
        }
        HttpResponse<byte[]> broken = api.post("/experiments", "{\"model\": ");
        assertEquals(400, broken.statusCode());
        assertTrue(new String(broken.body()).contains("not well-formed JSON"), new String(broken.body()));
    }

    @Test
    void viewsListsAndCurvesFollowTheStagesEvents() {
        String id = SharedFixtures.experimentId("followed");
        ExperimentEvents.finished(id, 1, 2, 4).forEach(kafka::send);

        await().atMost(WITHIN).untilAsserted(() -> assertEquals("done",
                api.json("/experiments/" + id).get("state").asText()));

        JsonNode view = api.json("/experiments/" + id);
        assertEquals(5, view.get("probe").get("layers").asInt());
        JsonNode variants = view.get("variants");
        assertEquals(List.of("0", "1", "2", "4"), fieldNames(variants));
        assertEquals("evaluated", variants.get("2").get("state").asText());
        assertEquals(2.0 + 1.0, variants.get("2").get("scores").get("pruned").get("loss").get("loss").asDouble());
        assertEquals(4, variants.get("2").get("heal").get("step").asInt());
        assertEquals(ExperimentEvents.healed(id, 2).adapter().path(),
                variants.get("2").get("healed").get("adapter").asText());

        JsonNode listed = null;
        for (JsonNode summary : api.json("/experiments")) {
            if (summary.get("experimentId").asText().equals(id)) {
                listed = summary;
            }
        }
        assertNotNull(listed, "GET /experiments lists " + id);
        assertEquals("done", listed.get("state").asText());
        assertEquals("models/stories260K", listed.get("model").get("ref").asText());
        assertEquals("[1,2,4]", listed.get("blockSizes").toString());

        JsonNode curve = api.json("/experiments/" + id + "/curve");
        assertEquals(5, curve.get("layers").asInt());
        JsonNode points = curve.get("points");
        assertEquals(4, points.size());
        for (JsonNode point : points) {
            int n = point.get("n").asInt();
            assertEquals(n / 5.0, point.get("fraction").asDouble());
            assertEquals(2 + n / 2.0, point.get("pruned").get("loss").get("loss").asDouble());
            assertEquals(n == 0 ? 2.0 : 2 + n / 10.0, point.get("healed").get("loss").get("loss").asDouble());
            assertEquals(n == 0, point.get("lStar").isNull());
        }
    }

    @Test
    void drawsTheHeatMapAsSvgOrPng() throws Exception {
        String id = SharedFixtures.experimentId("heatmap");
        kafka.send(ExperimentEvents.probed(id, 1, 2, 3, 4));
        await().atMost(WITHIN).untilAsserted(() -> assertEquals(200, api.get("/experiments/" + id).statusCode()));

        HttpResponse<byte[]> svg = api.get("/experiments/" + id + "/heatmap");
        assertEquals(200, svg.statusCode());
        assertTrue(svg.headers().firstValue("Content-Type").orElseThrow().startsWith("image/svg+xml"));
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        Document document = factory.newDocumentBuilder().parse(new ByteArrayInputStream(svg.body()));
        assertEquals("svg", document.getDocumentElement().getTagName());
        NodeList elements = document.getElementsByTagName("*");
        int traces = 0;
        for (int i = 0; i < elements.getLength(); i++) {
            if (HeatMap.TRACE_ID.equals(((Element) elements.item(i)).getAttribute("id"))) {
                traces++;
            }
        }
        assertEquals(1, traces, "the l*(n) trace");

        for (HttpResponse<byte[]> png : List.of(api.get("/experiments/" + id + "/heatmap", "image/png"),
                api.get("/experiments/" + id + "/heatmap?format=png"))) {
            assertEquals(200, png.statusCode());
            assertEquals("image/png", png.headers().firstValue("Content-Type").orElseThrow());
            BufferedImage image = ImageIO.read(new ByteArrayInputStream(png.body()));
            assertEquals(HeatMap.DEFAULT_WIDTH, image.getWidth());
            assertEquals(HeatMap.DEFAULT_HEIGHT, image.getHeight());
        }

        HttpResponse<byte[]> gif = api.get("/experiments/" + id + "/heatmap?format=gif");
        assertEquals(400, gif.statusCode());
        assertEquals("format", ControlTestClient.json(gif).get("errors").get(0).get("field").asText());
    }

    @Test
    void answers404ForAnUnknownExperimentAndForAHeatMapBeforeTheProbe() {
        HttpResponse<byte[]> unknown = api.get("/experiments/no-such-experiment");
        assertEquals(404, unknown.statusCode());
        assertTrue(new String(unknown.body()).contains("no-such-experiment"));

        String id = SharedFixtures.experimentId("unprobed");
        kafka.send(ExperimentEvents.requested(id, 1));
        await().atMost(WITHIN).untilAsserted(() -> assertEquals(200, api.get("/experiments/" + id).statusCode()));
        assertEquals(404, api.get("/experiments/" + id + "/heatmap").statusCode());
    }

    @Test
    void publishesOpenApiHealthAndMetrics() {
        String openapi = new String(api.get("/q/openapi?format=json").body());
        for (String path : List.of("\"/experiments\"", "\"/experiments/{id}\"", "\"/experiments/{id}/curve\"",
                "\"/experiments/{id}/heatmap\"", "\"/experiments/{id}/events\"")) {
            assertTrue(openapi.contains(path), path + " missing from " + openapi);
        }

        await().atMost(WITHIN).untilAsserted(() -> {
            HttpResponse<byte[]> ready = api.get("/q/health/ready");
            assertEquals(200, ready.statusCode(), new String(ready.body()));
            assertEquals("UP", ControlTestClient.json(ready).get("status").asText());
        });

        api.post("/experiments", "[]");
        String metrics = new String(api.get("/q/metrics").body());
        assertTrue(metrics.contains("layerprune_control_requests_total{outcome=\"rejected\"}"), metrics);
        assertTrue(metrics.contains("layerprune_control_requests_total{outcome=\"accepted\"}"), metrics);
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
