package org.layerprune.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.Error;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.layerprune.contracts.kafka.Topic;
import org.layerprune.contracts.kafka.Topics;

/** docker-compose.yml against the Compose schema, the images the build makes, the services' configuration. */
class ComposeTest {

    private static final Path COMPOSE = Repo.path("docker-compose.yml");
    private static final JsonNode SERVICES = Repo.yaml(COMPOSE).path("services");

    /** Compose services that run a layerprune image. */
    private static List<String> layerpruneServices() {
        List<String> names = new ArrayList<>();
        SERVICES.fields().forEachRemaining(service -> {
            if (service.getValue().path("image").asText().startsWith("layerprune/")) {
                names.add(service.getKey());
            }
        });
        return names.stream().sorted().toList();
    }

    @Test
    void composeFilesFollowTheComposeSpecification() throws IOException {
        Schema schema = composeSchema();
        for (Path file : List.of(COMPOSE, Repo.path("docker-compose.gpu.yml"))) {
            // With merge keys resolved and ${VAR:-default} interpolated, as Compose reads it.
            String json = Repo.composeDefaults(Repo.JSON.writeValueAsString(Repo.yaml(file)));
            List<Error> errors = schema.validate(json, InputFormat.JSON);
            assertEquals(List.of(), errors.stream().map(Error::toString).toList(), file.toString());
        }
        // the schema does catch a mistake: a misspelt key
        String bad = Repo.JSON.writeValueAsString(Repo.yaml(COMPOSE)).replace("\"depends_on\"", "\"depend_on\"");
        assertFalse(schema.validate(Repo.composeDefaults(bad), InputFormat.JSON).isEmpty());
    }

    /**
     * The Compose specification's schema, from the test resources. It is self-contained (every $ref is a
     * #/definitions pointer), but it names its subschemas with draft-04's "id", which draft 2019-09 (its declared
     * dialect) does not know and the validator refuses: those string ids, never referenced, are dropped.
     */
    private static Schema composeSchema() throws IOException {
        JsonNode spec = Repo.JSON.readTree(Path.of("src/test/resources/compose-spec/compose-spec.json").toFile());
        dropIds(spec);
        ((ObjectNode) spec).put("$schema", "https://json-schema.org/draft/2019-09/schema");
        return SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2019_09)
                .getSchema(Repo.JSON.writeValueAsString(spec), InputFormat.JSON);
    }

    private static void dropIds(JsonNode node) {
        if (node instanceof ObjectNode object && object.path("id").isTextual()) {
            object.remove("id");
        }
        node.forEach(ComposeTest::dropIds);
    }

    @Test
    void everyServiceModuleRunsFromTheImageTheBuildMakes() throws IOException, InterruptedException {
        assertEquals(Repo.deployedServices(), layerpruneServices());
        // What deploy/docker/build-images.sh builds, "<dockerfile> <image> <SERVICE arg>" a line, without building.
        ProcessBuilder listing = new ProcessBuilder("sh", "deploy/docker/build-images.sh").directory(Repo.ROOT.toFile())
                .redirectErrorStream(true);
        listing.environment().put("LIST", "1");
        Process process = listing.start();
        String lines = new String(process.getInputStream().readAllBytes());
        assertEquals(0, process.waitFor(), lines);
        Set<String> built = new TreeSet<>();
        for (String line : lines.strip().split("\n")) {
            String[] parts = line.split(" ");
            if (parts[0].equals("deploy/docker/Dockerfile.jvm")) {
                assertEquals("layerprune/" + parts[2] + ":" + Repo.VERSION, parts[1], line);
                built.add(parts[1]);
            }
        }
        for (String module : Repo.serviceModules()) {
            assertTrue(built.contains("layerprune/" + module + ":" + Repo.VERSION), module + " not built: " + lines);
        }
        for (String service : layerpruneServices()) {
            JsonNode spec = SERVICES.path(service);
            String image = "layerprune/" + service + ":" + Repo.VERSION;
            assertEquals(image, Repo.composeDefaults(spec.path("image").asText()), service);
            if (Repo.serviceModules().contains(service)) {
                assertTrue(built.contains(image), service + ": " + image + " is not an image the build makes");
            }
            // `docker compose build` makes the same image
            assertEquals("deploy/docker/Dockerfile.jvm", spec.path("build").path("dockerfile").asText(), service);
            assertEquals(".", spec.path("build").path("context").asText(), service);
            assertEquals(service, spec.path("build").path("args").path("SERVICE").asText(), service);
        }
        String dockerfile = Repo.read(Repo.path("deploy/docker/Dockerfile.jvm"));
        assertTrue(dockerfile.contains("COPY --chown=185:0 services/${SERVICE}/target/quarkus-app/lib/ /deployments/lib/"));
    }

    @Test
    void servicesShareTheBrokerAndTheArtifactVolumeUnderTheNamesTheirConfigurationReads() {
        for (String service : layerpruneServices()) {
            JsonNode spec = SERVICES.path(service);
            assertEquals("kafka:9092", spec.path("environment").path("KAFKA_BOOTSTRAP_SERVERS").asText(), service);
            assertEquals("/artifacts", spec.path("environment").path("LAYERPRUNE_ARTIFACT_ROOT").asText(), service);
            assertTrue(spec.path("volumes").toString().contains("\"artifacts:/artifacts\""), service);
            assertEquals("service_completed_successfully",
                    spec.path("depends_on").path("kafka-init").path("condition").asText(), service);
            assertFalse(spec.has("container_name"), service + ": a container_name forbids --scale");
        }
        // Compose sets these two names: every service must read the broker from the first, and the artifact root, where
        // it has one, from the second (a module without configuration yet is skipped).
        for (String module : Repo.serviceModules()) {
            Properties properties = Repo.applicationProperties(module);
            if (properties.isEmpty()) {
                continue;
            }
            assertTrue(properties.values().stream().anyMatch(value -> value.toString()
                    .startsWith("${KAFKA_BOOTSTRAP_SERVERS:")), module + " does not read KAFKA_BOOTSTRAP_SERVERS");
            String root = properties.getProperty("layerprune.artifact-root");
            assertTrue(root == null || root.startsWith("${LAYERPRUNE_ARTIFACT_ROOT:"), module + ": " + root);
        }
        assertEquals("${LAYERPRUNE_HEAL_DEVICES:cpu}",
                Repo.applicationProperties("heal-service").getProperty("layerprune.heal.devices"));
        assertEquals("cpu", SERVICES.path("heal-service").path("environment").path("LAYERPRUNE_HEAL_DEVICES").asText());
        assertEquals("gpu", Repo.yaml(Repo.path("docker-compose.gpu.yml")).path("services").path("heal-service")
                .path("environment").path("LAYERPRUNE_HEAL_DEVICES").asText());
    }

    @Test
    void healServiceScales() {
        JsonNode heal = SERVICES.path("heal-service");
        assertFalse(heal.has("container_name"));
        assertFalse(heal.has("ports"), "a fixed host port lets only one replica start");
        assertFalse(heal.has("scale"));
    }

    @Test
    void kafkaRunsInKraftModeAndInitCreatesEveryTopicTheServicesUse() {
        JsonNode kafka = SERVICES.path("kafka");
        assertTrue(kafka.path("image").asText().startsWith("apache/kafka:"));
        assertEquals("broker,controller", kafka.path("environment").path("KAFKA_PROCESS_ROLES").asText());
        assertFalse(kafka.path("environment").toString().toLowerCase().contains("zookeeper"));
        assertEquals("service_healthy",
                SERVICES.path("kafka-init").path("depends_on").path("kafka").path("condition").asText());

        Set<String> created = createdTopics(SERVICES.path("kafka-init").path("environment"));
        assertEquals(expectedTopics(), created);
        assertTrue(SERVICES.path("kafka-init").path("command").toString().contains("--if-not-exists"));
    }

    /** The topics of EVENT_TOPICS and DLQ_TOPICS in a container's environment. */
    static Set<String> createdTopics(JsonNode environment) {
        assertNotNull(environment.get("EVENT_TOPICS"));
        return Arrays.stream((environment.path("EVENT_TOPICS").asText() + " " + environment.path("DLQ_TOPICS")
                .asText()).trim().split("\\s+")).collect(Collectors.toCollection(TreeSet::new));
    }

    /** Every event topic of the contract and every topic a service's configuration names (dead letters included). */
    static Set<String> expectedTopics() {
        Set<String> topics = Topics.EVENT_TOPICS.stream().map(Topic::name).collect(Collectors.toCollection(TreeSet::new));
        for (String module : Repo.serviceModules()) {
            Properties properties = Repo.applicationProperties(module);
            for (String key : properties.stringPropertyNames()) {
                if (key.startsWith("mp.messaging.") && key.endsWith(".topic")) {
                    topics.add(properties.getProperty(key));
                }
            }
        }
        return topics;
    }
}
