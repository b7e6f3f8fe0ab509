package org.layerprune.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GrafanaDashboardsTest {

    @Test
    void metricNamesSkipFunctionsAggregationsLabelsAndRanges() {
        assertEquals(Set.of("layerprune_stage_outcome_total"), GrafanaDashboards.metricNames(
                "sum by (stage, outcome) (rate(layerprune_stage_outcome_total{outcome=\"failed\"}[5m])) * 60"));
        assertEquals(Set.of("a_seconds_sum", "a_seconds_count"), GrafanaDashboards.metricNames(
                "sum(rate(a_seconds_sum[15m])) by (stage) / sum without (instance) (rate(a_seconds_count[15m]))"));
        assertEquals(Set.of("http_seconds_bucket"), GrafanaDashboards.metricNames(
                "histogram_quantile(0.99, sum by (le) (rate(http_seconds_bucket{uri!~\"/q/.*\"}[$__rate_interval])))"));
    }

    @Test
    void metricNamesSkipStringsThatLookLikeNamesAndGrafanaVariables() {
        assertEquals(Set.of("kafka_producer_topic_record_send_total"), GrafanaDashboards.metricNames(
                "sum by (topic) (increase(kafka_producer_topic_record_send_total{topic=~\".+\\\\.dlq\", "
                        + "job=\"${job}\"}[1h]))"));
        assertEquals(Set.of("up"), GrafanaDashboards.metricNames(
                "label_replace(up{job=~\"$job\"}, \"service\", \"$1\", \"job\", \"(fake_metric_name)\")"));
    }

    @Test
    void metricNamesOfBinaryOperationsOffsetsAndNameMatchers() {
        assertEquals(Set.of("x_total", "info_metric", "y"), GrafanaDashboards.metricNames(
                "rate(x_total[5m] offset 1h) * on (instance) group_left (version) info_metric"
                        + " and bool y > 1e+3 unless vector(0)"));
        assertEquals(Set.of("named_metric"), GrafanaDashboards.metricNames("{__name__=\"named_metric\", job=\"a\"}"));
        assertEquals(Set.of(), GrafanaDashboards.metricNames("{__name__=~\"layerprune_.+\"}"),
                "a regex names no single metric");
        assertEquals(Set.of("recorded:rate5m"), GrafanaDashboards.metricNames("max(recorded:rate5m) > Inf"));
    }

    @Test
    void exposedNamesAreSamplesAndTypedFamiliesWithTheirSuffixes() {
        String scrape = """
                # HELP layerprune_stage_duration_seconds Time of a stage's unit of work
                # TYPE layerprune_stage_duration_seconds summary
                layerprune_stage_duration_seconds_count{outcome="success",stage="heal"} 0
                layerprune_stage_duration_seconds_sum{outcome="success",stage="heal"} 0.0
                # TYPE layerprune_heal_loss gauge
                layerprune_heal_loss{stage="heal"} NaN
                # TYPE kafka_producer_topic_record_send_total counter
                # TYPE http_server_requests_seconds histogram
                # TYPE jvm_threads_live gauge
                jvm_threads_live 12
                """;
        Set<String> names = GrafanaDashboards.exposedNames(scrape);
        assertTrue(names.containsAll(List.of("layerprune_stage_duration_seconds_count",
                "layerprune_stage_duration_seconds_sum", "layerprune_heal_loss", "jvm_threads_live",
                // declared families without samples yet
                "kafka_producer_topic_record_send_total", "http_server_requests_seconds_bucket",
                "http_server_requests_seconds_count", "http_server_requests_seconds_sum")), names.toString());
        assertTrue(!names.contains("kafka_producer_topic_record_send_total_total")
                && !names.contains("http_server_requests_seconds"), names.toString());
    }

    @Test
    void expressionsAreEveryExprValueOfTheDashboardJson() {
        String json = """
                {"title": "t", "panels": [
                  {"type": "row", "panels": [{"targets": [{"expr": "nested_metric", "refId": "A"}]}]},
                  {"title": "expr", "targets": [
                     {"refId": "A", "expr": "sum(rate(a_total{job=\\"x\\"}[5m]))"},
                     {"refId": "B", "expr" : "b\\u005fgauge", "legendFormat": "expr"}]},
                  {"tags": ["expr"], "expr": ["not", "a string value"], "description": "\\"expr\\": \\"fake\\""}
                ]}
                """;
        assertEquals(List.of("nested_metric", "sum(rate(a_total{job=\"x\"}[5m]))", "b_gauge"),
                GrafanaDashboards.expressions(json));
        assertThrows(IllegalArgumentException.class, () -> GrafanaDashboards.expressions("{\"expr\": \"open"));
        assertThrows(IllegalArgumentException.class, () -> GrafanaDashboards.expressions("{\"expr\": \"\\q\"}"));
    }

    @Test
    void missingNamesTheMetricsNoScrapeExposes(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("one.json"), """
                {"panels": [{"targets": [
                  {"expr": "sum(rate(layerprune_heal_tokens_total[2m]))"},
                  {"expr": "max by (job) (kafka_consumer_fetch_manager_records_lag_max)"},
                  {"expr": "count(up{job=\\"heal-service\\"} == 1)"},
                  {"expr": "layerprune_heal_loss / layerprune_renamed_meter"}]}]}
                """);
        Files.writeString(dir.resolve("two.json"), """
                {"panels": [{"targets": [{"expr": "layerprune_renamed_meter"}]}]}
                """);
        Files.writeString(dir.resolve("notes.txt"), "{\"expr\": \"not_a_dashboard\"}");
        String heal = """
                # TYPE layerprune_heal_tokens_total counter
                layerprune_heal_tokens_total{stage="heal"} 1024.0
                layerprune_heal_loss{stage="heal"} 2.5
                """;
        String probe = "kafka_consumer_fetch_manager_records_lag_max{client_id=\"c\",topic=\"t\"} 0.0\n";

        assertEquals(Map.of("layerprune_renamed_meter", List.of("layerprune_heal_loss / layerprune_renamed_meter",
                "layerprune_renamed_meter")), GrafanaDashboards.missing(dir, List.of(heal, probe)));
        // the lag comes only from the probe service's scrape: without it, it is missing too
        assertEquals(Set.of("kafka_consumer_fetch_manager_records_lag_max", "layerprune_renamed_meter"),
                GrafanaDashboards.missing(dir, List.of(heal)).keySet());
        assertEquals(Set.of("layerprune_renamed_meter"),
                GrafanaDashboards.missing(dir.resolve("two.json"), List.of(heal)).keySet());
    }
}
