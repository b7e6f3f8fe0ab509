package org.layerprune.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.micrometer.prometheus.PrometheusConfig;
import io.micrometer.prometheus.PrometheusMeterRegistry;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.layerprune.contracts.events.PipelineStage;
import org.layerprune.heal.HealMeters;
import org.layerprune.stage.StageMetrics;
import org.layerprune.testkit.GrafanaDashboards;

/** Prometheus scrapes every service; Grafana's provisioned datasource and dashboard fit together and the meters. */
class MonitoringTest {

    private static final JsonNode COMPOSE = Repo.yaml(Repo.path("docker-compose.yml")).path("services");
    private static final Path DASHBOARDS = Repo.path("deploy/grafana/dashboards");

    @Test
    void prometheusScrapesEveryReplicaOfEveryServiceAtItsMetricsPath() {
        JsonNode jobs = Repo.yaml(Repo.path("deploy/prometheus/prometheus.yml")).path("scrape_configs");
        Map<String, JsonNode> byTarget = new TreeMap<>();
        for (JsonNode job : jobs) {
            assertFalse(job.has("static_configs"), job.path("job_name") + ": a static target sees one replica only");
            for (JsonNode sd : job.path("dns_sd_configs")) {
                assertEquals("A", sd.path("type").asText());
                for (JsonNode name : sd.path("names")) {
                    byTarget.put(name.asText() + ":" + sd.path("port").asInt(), job);
                }
            }
        }
        for (String service : Repo.deployedServices()) {
            JsonNode job = byTarget.get(service + ":8080");
            assertTrue(job != null, service + " is not scraped: " + byTarget.keySet());
            assertEquals("/q/metrics", job.path("metrics_path").asText(), service);
            assertTrue(COMPOSE.has(service), service);
        }
        assertEquals(Repo.deployedServices().size(), byTarget.size(), "a job for something compose does not run: "
                + byTarget.keySet());
        // the compose file mounts exactly this configuration
        assertTrue(COMPOSE.path("prometheus").path("volumes").toString()
                .contains("./deploy/prometheus/prometheus.yml:/etc/prometheus/prometheus.yml"));
    }

    @Test
    void dashboardsUseTheProvisionedDatasourceAndAreProvisionedFromTheirDirectory() {
        JsonNode datasources = Repo.yaml(Repo.path("deploy/grafana/provisioning/datasources/prometheus.yml"))
                .path("datasources");
        assertEquals(1, datasources.size());
        JsonNode datasource = datasources.get(0);
        assertEquals("prometheus", datasource.path("type").asText());
        String uid = datasource.path("uid").asText();
        // Grafana reaches Prometheus by its compose service name and port
        assertEquals("http://prometheus:9090", datasource.path("url").asText());
        assertTrue(COMPOSE.path("prometheus").path("ports").toString().contains("9090:9090"));

        JsonNode provider = Repo.yaml(Repo.path("deploy/grafana/provisioning/dashboards/layerprune.yml"))
                .path("providers").get(0);
        String path = provider.path("options").path("path").asText();
        String volumes = COMPOSE.path("grafana").path("volumes").toString();
        assertTrue(volumes.contains("./deploy/grafana/dashboards:" + path + ":ro"), volumes);
        assertTrue(volumes.contains("./deploy/grafana/provisioning:/etc/grafana/provisioning:ro"), volumes);

        List<Path> files = Repo.deployFiles(".json").stream().filter(file -> file.startsWith(DASHBOARDS)).toList();
        assertFalse(files.isEmpty());
        for (Path file : files) {
            JsonNode dashboard = Repo.json(file);
            assertFalse(dashboard.path("uid").asText().isEmpty(), file.toString());
            Set<Integer> ids = new HashSet<>();
            int targets = 0;
            for (JsonNode panel : panels(dashboard)) {
                assertTrue(ids.add(panel.path("id").asInt()), file + ": panel id " + panel.path("id") + " twice");
                if (panel.path("type").asText().equals("row")) {
                    continue;
                }
                String title = file.getFileName() + " / " + panel.path("title").asText();
                assertEquals(uid, panel.path("datasource").path("uid").asText(), title);
                assertFalse(panel.path("targets").isEmpty(), title + " has no query");
                for (JsonNode target : panel.path("targets")) {
                    assertEquals(uid, target.path("datasource").path("uid").asText(), title);
                    assertFalse(target.path("expr").asText().isBlank(), title);
                    targets++;
                }
            }
            assertEquals(targets, GrafanaDashboards.expressions(file).size(), file.toString());
        }
    }

    @Test
    void dashboardPanelsCoverThroughputDurationsHealingLagAndFailures() {
        String all = String.join("\n", GrafanaDashboards.expressions(DASHBOARDS));
        for (String needed : List.of("layerprune_stage_outcome_total", "layerprune_stage_duration_seconds_sum",
                "layerprune_stage_duration_seconds_count", "layerprune_heal_tokens_total", "layerprune_heal_loss",
                "kafka_consumer_fetch_manager_records_lag_max", "outcome=\"failed\"",
                "kafka-dead-letter-topic-producer-")) {
            assertTrue(all.contains(needed), "no panel shows " + needed);
        }
    }

    /**
     * Every layerprune meter a panel queries is one the code registers, under the name Quarkus' Prometheus registry
     * gives it: a scrape of the stage meters of every stage and heal-service's meters, as the services register them
     * at start. (Kafka client and JVM names come only from running services: the end-to-end test checks those with
     * the same GrafanaDashboards.missing on real scrapes.)
     */
    @Test
    void everyLayerpruneMeterOfTheDashboardsIsOneTheServicesRegister() {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        for (PipelineStage stage : PipelineStage.values()) {
            new StageMetrics(registry, stage);
        }
        HealMeters.register(registry);
        String scrape = registry.scrape();

        List<String> ours = new ArrayList<>();
        for (String expression : GrafanaDashboards.expressions(DASHBOARDS)) {
            if (GrafanaDashboards.metricNames(expression).stream().anyMatch(name -> name.startsWith("layerprune_"))) {
                ours.add(expression);
            }
        }
        assertFalse(ours.isEmpty());
        Set<String> missing = new TreeSet<>(GrafanaDashboards.missing(ours, List.of(scrape)).keySet());
        missing.removeIf(name -> !name.startsWith("layerprune_"));
        assertEquals(Set.of(), missing, "panels query meters nobody registers; the scrape has:\n" + scrape);
    }

    /** Panels, those inside rows included. */
    private static List<JsonNode> panels(JsonNode dashboard) {
        List<JsonNode> panels = new ArrayList<>();
        for (JsonNode panel : dashboard.path("panels")) {
            panels.add(panel);
            panel.path("panels").forEach(panels::add);
        }
        return panels;
    }
}
