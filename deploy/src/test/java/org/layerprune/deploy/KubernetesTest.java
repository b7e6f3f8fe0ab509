package org.layerprune.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.layerprune.heal.HealProcessor;

/** deploy/k8s: schema-checked, and consistent with the services, compose and itself. */
class KubernetesTest {

    private static final Path DIR = Repo.path("deploy/k8s");
    private static final List<JsonNode> MANIFESTS = manifests();

    private static List<JsonNode> manifests() {
        List<JsonNode> all = new ArrayList<>();
        for (Path file : files()) {
            for (JsonNode document : Repo.yamlDocuments(file)) {
                ((ObjectNode) document).put("x-file", file.getFileName().toString());
                all.add(document);
            }
        }
        return all;
    }

    private static List<Path> files() {
        try (Stream<Path> files = Files.list(DIR)) {
            return files.filter(file -> file.getFileName().toString().endsWith(".yaml"))
                    .filter(file -> !file.getFileName().toString().equals("kustomization.yaml")).sorted().toList();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** The manifests of one kind by name. */
    private static Map<String, JsonNode> byName(String kind) {
        Map<String, JsonNode> found = new TreeMap<>();
        for (JsonNode manifest : MANIFESTS) {
            if (manifest.path("kind").asText().equals(kind)) {
                found.put(manifest.path("metadata").path("name").asText(), manifest);
            }
        }
        return found;
    }

    private static JsonNode withoutFile(JsonNode manifest) {
        ObjectNode copy = manifest.deepCopy();
        copy.remove("x-file");
        return copy;
    }

    @Test
    void everyManifestPassesKubernetesSchemaCheck() {
        Map<String, List<String>> problems = new TreeMap<>();
        for (JsonNode manifest : MANIFESTS) {
            if (manifest.path("apiVersion").asText().startsWith("keda.sh/")) {
                continue; // KEDA's custom resource: scaledObjectFollowsKedasKafkaScaler
            }
            List<String> found = KubernetesSchema.problems(withoutFile(manifest));
            if (!found.isEmpty()) {
                problems.put(manifest.path("x-file").asText() + " " + manifest.path("kind").asText() + "/"
                        + manifest.path("metadata").path("name").asText(), found);
            }
        }
        assertEquals(Map.of(), problems);
    }

    @Test
    void theSchemaCheckCatchesMisspeltFieldsAndWrongTypes() {
        JsonNode deployment = withoutFile(byName("Deployment").get("probe-service"));
        assertEquals(List.of(), KubernetesSchema.problems(deployment));

        ObjectNode misspelt = deployment.deepCopy();
        ((ObjectNode) misspelt.path("spec").path("template").path("spec").path("containers").get(0))
                .set("readinessProbes", misspelt.path("spec").path("template").path("spec").path("containers").get(0)
                        .path("readinessProbe"));
        assertFalse(KubernetesSchema.problems(misspelt).isEmpty());

        ObjectNode wrongType = deployment.deepCopy();
        ((ObjectNode) wrongType.path("spec")).put("replicas", "1");
        assertFalse(KubernetesSchema.problems(wrongType).isEmpty());
    }

    @Test
    void kustomizationListsEveryManifest() {
        JsonNode kustomization = Repo.yaml(DIR.resolve("kustomization.yaml"));
        Set<String> listed = new TreeSet<>();
        kustomization.path("resources").forEach(resource -> listed.add(resource.asText()));
        Set<String> present = new TreeSet<>();
        files().forEach(file -> present.add(file.getFileName().toString()));
        assertEquals(present, listed);
    }

    @Test
    void everyServiceHasADeploymentWithProbesMetricsConfigAndTheSharedVolume() {
        Map<String, JsonNode> deployments = byName("Deployment");
        Map<String, JsonNode> services = byName("Service");
        assertEquals(Repo.deployedServices(), List.copyOf(deployments.keySet()));
        Map<String, JsonNode> configMaps = byName("ConfigMap");
        String artifactRoot = configMaps.get("layerprune-artifacts").path("data").path("LAYERPRUNE_ARTIFACT_ROOT")
                .asText();
        assertTrue(configMaps.get("layerprune-kafka").path("data").has("KAFKA_BOOTSTRAP_SERVERS"));
        String claim = byName("PersistentVolumeClaim").keySet().iterator().next();
        assertEquals("ReadWriteMany", byName("PersistentVolumeClaim").get(claim).path("spec").path("accessModes")
                .get(0).asText(), "pods on several nodes share the artifacts");

        for (Map.Entry<String, JsonNode> entry : deployments.entrySet()) {
            String name = entry.getKey();
            JsonNode spec = entry.getValue().path("spec");
            JsonNode pod = spec.path("template");
            JsonNode labels = pod.path("metadata").path("labels");
            spec.path("selector").path("matchLabels").fields().forEachRemaining(label ->
                    assertEquals(label.getValue(), labels.path(label.getKey()), name + ": selector"));
            assertEquals("layerprune", labels.path("app.kubernetes.io/part-of").asText(), name);
            JsonNode container = pod.path("spec").path("containers").get(0);
            String suffix = name.equals("heal-service") ? "-cuda" : "";
            assertEquals("layerprune/" + name + ":" + Repo.VERSION + suffix, container.path("image").asText(), name);

            Set<String> envFrom = new TreeSet<>();
            container.path("envFrom").forEach(from -> envFrom.add(from.path("configMapRef").path("name").asText()));
            assertEquals(Set.of("layerprune-artifacts", "layerprune-kafka"), envFrom, name);
            assertTrue(configMaps.keySet().containsAll(envFrom), name);

            Map<String, Integer> ports = new TreeMap<>();
            container.path("ports").forEach(port -> ports.put(port.path("name").asText(),
                    port.path("containerPort").asInt()));
            assertEquals(Map.of("http", 8080), ports, name + ": Quarkus' HTTP port");
            assertEquals("/q/health/live", container.path("livenessProbe").path("httpGet").path("path").asText(), name);
            assertEquals("/q/health/ready", container.path("readinessProbe").path("httpGet").path("path").asText(),
                    name);
            for (String probe : List.of("livenessProbe", "readinessProbe", "startupProbe")) {
                assertTrue(ports.containsKey(container.path(probe).path("httpGet").path("port").asText()),
                        name + ": " + probe);
            }
            JsonNode annotations = pod.path("metadata").path("annotations");
            assertEquals("true", annotations.path("prometheus.io/scrape").asText(), name);
            assertEquals("/q/metrics", annotations.path("prometheus.io/path").asText(), name);
            assertEquals("8080", annotations.path("prometheus.io/port").asText(), name);

            String volume = null;
            for (JsonNode candidate : pod.path("spec").path("volumes")) {
                if (claim.equals(candidate.path("persistentVolumeClaim").path("claimName").asText())) {
                    volume = candidate.path("name").asText();
                }
            }
            assertTrue(volume != null, name + " does not mount " + claim);
            String mounted = null;
            for (JsonNode mount : container.path("volumeMounts")) {
                if (mount.path("name").asText().equals(volume)) {
                    mounted = mount.path("mountPath").asText();
                }
            }
            assertEquals(artifactRoot, mounted, name + ": the artifact root is where the claim is mounted");

            JsonNode service = services.get(name);
            assertTrue(service != null, name + " has no Service");
            service.path("spec").path("selector").fields().forEachRemaining(label ->
                    assertEquals(label.getValue(), labels.path(label.getKey()), name + ": Service selector"));
            assertTrue(ports.containsKey(service.path("spec").path("ports").get(0).path("targetPort").asText()), name);
        }
    }

    @Test
    void healWorkersEachGetAGpuAndTimeToCheckpoint() {
        JsonNode heal = byName("Deployment").get("heal-service").path("spec");
        assertFalse(heal.has("replicas"), "KEDA owns the replica count");
        JsonNode pod = heal.path("template").path("spec");
        JsonNode container = pod.path("containers").get(0);
        assertEquals("1", container.path("resources").path("limits").path("nvidia.com/gpu").asText());
        assertEquals("1", container.path("resources").path("requests").path("nvidia.com/gpu").asText());
        List<String> devices = new ArrayList<>();
        container.path("env").forEach(env -> {
            if (env.path("name").asText().equals("LAYERPRUNE_HEAL_DEVICES")) {
                devices.add(env.path("value").asText());
            }
        });
        assertEquals(List.of("gpu"), devices);
        // the heal service waits up to layerprune.heal.cancel-wait (2 min) for the checkpoint at shutdown
        assertTrue(pod.path("terminationGracePeriodSeconds").asInt() > 120);
    }

    /**
     * KEDA's ScaledObject. No schema of KEDA's CRD comes from Maven Central (npm's @kubernetes-models/keda ships it
     * compiled to JavaScript: deploy/lint runs it where npm is at hand), so the fields KEDA's kafka scaler
     * needs are checked here, against heal-service's own configuration.
     */
    @Test
    void scaledObjectFollowsKedasKafkaScaler() {
        JsonNode scaled = byName("ScaledObject").get("heal-service");
        assertEquals("keda.sh/v1alpha1", scaled.path("apiVersion").asText());
        JsonNode spec = scaled.path("spec");
        assertEquals("Deployment", spec.path("scaleTargetRef").path("kind").asText());
        assertTrue(byName("Deployment").containsKey(spec.path("scaleTargetRef").path("name").asText()));
        assertEquals("heal-service", spec.path("scaleTargetRef").path("name").asText());
        assertTrue(spec.path("minReplicaCount").isInt() && spec.path("maxReplicaCount").isInt());
        assertEquals(1, spec.path("triggers").size());
        JsonNode trigger = spec.path("triggers").get(0);
        assertEquals("kafka", trigger.path("type").asText());
        JsonNode metadata = trigger.path("metadata");
        metadata.fields().forEachRemaining(field ->
                assertTrue(field.getValue().isTextual(), "KEDA's trigger metadata is strings only: " + field.getKey()));

        Properties heal = Repo.applicationProperties("heal-service");
        String channel = "mp.messaging.incoming." + HealProcessor.PRUNED + ".";
        assertEquals(heal.getProperty(channel + "group.id"), metadata.path("consumerGroup").asText());
        assertEquals(heal.getProperty(channel + "topic"), metadata.path("topic").asText());
        assertEquals(heal.getProperty(channel + "auto.offset.reset"), metadata.path("offsetResetPolicy").asText());
        assertEquals(byName("ConfigMap").get("layerprune-kafka").path("data").path("KAFKA_BOOTSTRAP_SERVERS").asText(),
                metadata.path("bootstrapServers").asText());
        assertTrue(Integer.parseInt(metadata.path("lagThreshold").asText()) >= 1);

        // more workers than partitions would idle (KEDA caps there anyway)
        int partitions = Integer.parseInt(topicsEnvironment().path("PARTITIONS").asText());
        assertTrue(spec.path("maxReplicaCount").asInt() <= partitions);
    }

    @Test
    void topicsJobCreatesWhatComposeCreates() {
        assertEquals(ComposeTest.expectedTopics(), ComposeTest.createdTopics(topicsEnvironment()));
        JsonNode container = byName("Job").get("layerprune-topics").path("spec").path("template").path("spec")
                .path("containers").get(0);
        assertEquals(Repo.yaml(Repo.path("docker-compose.yml")).path("services").path("kafka-init").path("image"),
                container.path("image"));
        assertTrue(container.path("args").toString().contains("--if-not-exists"));
    }

    @Test
    void prometheusKeepsThePodsEveryDeploymentLabelsAndAnnotates() {
        JsonNode config = byName("ConfigMap").get("layerprune-prometheus");
        JsonNode prometheus = Repo.JSON.valueToTree(new org.yaml.snakeyaml.Yaml().load(
                config.path("data").path("prometheus.yml").asText()));
        JsonNode job = prometheus.path("scrape_configs").get(0);
        assertEquals("pod", job.path("kubernetes_sd_configs").get(0).path("role").asText());
        String relabel = job.path("relabel_configs").toString();
        assertTrue(relabel.contains("__meta_kubernetes_pod_label_app_kubernetes_io_part_of"));
        assertTrue(relabel.contains("__meta_kubernetes_pod_annotation_prometheus_io_scrape"));
        assertTrue(relabel.contains("__meta_kubernetes_pod_annotation_prometheus_io_path"));
        assertTrue(relabel.contains("__meta_kubernetes_pod_annotation_prometheus_io_port"));
    }

    private static JsonNode topicsEnvironment() {
        ObjectNode environment = Repo.JSON.createObjectNode();
        byName("Job").get("layerprune-topics").path("spec").path("template").path("spec").path("containers").get(0)
                .path("env").forEach(env -> environment.set(env.path("name").asText(), env.path("value")));
        return environment;
    }
}
