package org.layerprune.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** Every YAML and JSON file under deploy/ and the compose files parse, and none is empty. */
class DeployFilesParseTest {

    @Test
    void everyYamlAndJsonFileParses() {
        List<Path> files = Repo.deployFiles(".yml", ".yaml", ".json");
        Map<String, String> failures = new TreeMap<>();
        for (Path file : files) {
            try {
                boolean empty = file.toString().endsWith(".json") ? Repo.json(file).isEmpty()
                        : Repo.yamlDocuments(file).isEmpty();
                if (empty) {
                    failures.put(Repo.ROOT.relativize(file).toString(), "empty");
                }
            } catch (RuntimeException e) {
                failures.put(Repo.ROOT.relativize(file).toString(), e.getMessage());
            }
        }
        assertEquals(Map.of(), failures);
        // the walk does see what it must
        List<String> seen = files.stream().map(file -> Repo.ROOT.relativize(file).toString()).toList();
        for (String expected : List.of("docker-compose.yml", "docker-compose.gpu.yml", "deploy/prometheus/prometheus.yml",
                "deploy/grafana/dashboards/layerprune.json", "deploy/k8s/heal-service-scaledobject.yaml")) {
            assertTrue(seen.contains(expected), expected + " not among " + seen);
        }
        assertFalse(seen.stream().anyMatch(file -> file.contains("node_modules")));
    }
}
