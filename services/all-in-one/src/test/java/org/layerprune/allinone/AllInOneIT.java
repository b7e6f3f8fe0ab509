package org.layerprune.allinone;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.layerprune.testkit.PackagedApp;

/**
 * The README's first command: the packaged all-in-one, as a user starts it (plus a free port and a fresh artifact
 * root), runs the default stories260K experiment from the shared fixtures to its pruning curve, and then serves the
 * same curve on {@code GET /experiments/{id}/curve} and the heat map, until it is stopped. Writes the wall time to
 * target/all-in-one-it.txt.
 */
class AllInOneIT {

    /** A bound on a run that hangs, not a performance target: the default run takes a few minutes. */
    private static final long LIMIT_MINUTES = 20;
    private static final Pattern HEADER =
            Pattern.compile("^\\s*n\\s+dropped\\s+l\\*\\(n\\)\\s+pruned loss\\s+healed loss$");
    private static final Pattern SERVICE_JAR = Pattern.compile("org\\.layerprune\\.layerprune-.*-service-.*\\.jar");
    private static final Pattern ROW = Pattern.compile("^\\s*(\\d+)\\s+([0-9.]+)%\\s+(\\S+)\\s+(\\S+)\\s+(\\S+)$");
    private static final Pattern EXPERIMENT = Pattern.compile("^experiment (\\S+): ", Pattern.MULTILINE);
    private static final Pattern SERVING = Pattern.compile(Pattern.quote("serving the API"));
    /** How long a stop (as Ctrl+C) may take before the app is killed. */
    private static final Duration STOP_GRACE = Duration.ofMinutes(1);

    record Row(int n, double fraction, String lStar, double pruned, double healed) {
    }

    @Test
    void theDefaultRunPrintsAPruningCurveWhereHealingHelps() throws Exception {
        assumeTrue(RunOptions.shared().isPresent(), "no shared fixtures (../shared) on this machine; set"
                + " LAYERPRUNE_SHARED");
        Path target = Path.of("target").toAbsolutePath();
        String run = UUID.randomUUID().toString().substring(0, 8);
        Path root = target.resolve("it-artifact-root-" + run);
        Path console = target.resolve("all-in-one-it-" + run + ".log");
        Path jar = Path.of(System.getProperty("all-in-one.jar", "target/quarkus-app/quarkus-run.jar"));
        assertTrue(Files.isRegularFile(jar), jar + " missing: package the module first");

        int port = PackagedApp.freePort();
        long start = System.nanoTime();
        PackagedApp app = PackagedApp.builder("all-in-one", jar).systemProperty("quarkus.http.port", port)
                .args("--artifact-root", root.toString()).log(console).start();
        String output;
        double seconds;
        List<Row> rows;
        List<Row> served;
        String heatmap;
        try {
            app.awaitLog(SERVING, Duration.ofMinutes(LIMIT_MINUTES));
            output = app.log();
            seconds = (System.nanoTime() - start) / 1e9;
            rows = table(output);
            Matcher experiment = EXPERIMENT.matcher(output);
            assertTrue(experiment.find(), "no experiment id printed: " + output);
            URI api = URI.create("http://localhost:" + port + "/experiments/" + experiment.group(1));
            served = servedCurve(get(URI.create(api + "/curve")));
            heatmap = get(URI.create(api + "/heatmap"));
        } finally {
            app.stop(STOP_GRACE); // as Ctrl+C
        }
        assertEquals(rows, served, "the printed table and GET /experiments/{id}/curve, to the table's 4 decimals");
        assertTrue(heatmap.startsWith("<?xml") || heatmap.startsWith("<svg"), heatmap);

        assertEquals(List.of(0, 1, 2, 3, 4), rows.stream().map(Row::n).toList(), output);
        for (Row row : rows) {
            assertEquals(row.n() / 5.0, row.fraction(), 1e-3, "fraction of n=" + row.n());
            assertTrue(Double.isFinite(row.pruned()) && Double.isFinite(row.healed()), "n=" + row.n() + ": " + row);
        }
        double baseline = rows.get(0).pruned();
        assertEquals(baseline, rows.get(0).healed(), "the baseline is both ends of n=0");
        for (Row row : rows.subList(1, rows.size())) {
            assertTrue(row.lStar().matches("\\d+"), "l*(n) of n=" + row.n() + ": " + row.lStar());
            assertTrue(row.pruned() > baseline, "n=" + row.n() + " pruned " + row.pruned() + " is not above the"
                    + " baseline's " + baseline);
        }
        Row largest = rows.get(rows.size() - 1);
        assertTrue(largest.healed() < largest.pruned(), "healing did not help n=" + largest.n() + ": " + largest);

        String timing = String.format(Locale.ROOT, "all-in-one default run (packaged, fresh artifact root):"
                + " %.1f s wall, launch to the curve served%n", seconds);
        Files.writeString(target.resolve("all-in-one-it.txt"), timing + output.substring(output.indexOf("Pruning")));
        System.out.print("[AllInOneIT] " + timing);
    }

    @Test
    void packagesTheServicesWithoutTheirOwnConfiguration() throws IOException {
        Path lib = Path.of(System.getProperty("all-in-one.jar", "target/quarkus-app/quarkus-run.jar")).getParent()
                .resolve("lib/main");
        List<Path> services;
        try (Stream<Path> jars = Files.list(lib)) {
            services = jars.filter(j -> SERVICE_JAR.matcher(j.getFileName().toString()).matches()).sorted()
                    .toList();
        }
        assertEquals(5, services.size(), "service jars in " + lib + ": " + services);
        for (Path jar : services) {
            try (JarFile file = new JarFile(jar.toFile())) {
                assertTrue(file.getEntry("application.properties") == null, jar + " brings its own configuration");
                assertTrue(file.stream().anyMatch(e -> e.getName().endsWith("Processor.class")
                        || e.getName().endsWith("TopologyProducer.class")),
                        jar + " has no processor");
            }
        }
    }

    /** The loss rows of the API's curve, rounded as the table prints them. */
    private static List<Row> servedCurve(String body) throws IOException {
        List<Row> rows = new ArrayList<>();
        for (JsonNode point : new ObjectMapper().readTree(body).path("points")) {
            rows.add(new Row(point.path("n").asInt(), round(point.path("fraction").asDouble() * 100, 1) / 100,
                    point.path("lStar").isNull() || point.path("lStar").isMissingNode() ? "-"
                            : point.path("lStar").asText(),
                    round(point.path("pruned").path("loss").path("loss").asDouble(), 4),
                    round(point.path("healed").path("loss").path("loss").asDouble(), 4)));
        }
        return rows;
    }

    private static double round(double value, int decimals) {
        return Double.parseDouble(String.format(Locale.ROOT, "%." + decimals + "f", value));
    }

    private static String get(URI uri) throws IOException, InterruptedException {
        HttpResponse<String> answer = HttpClient.newHttpClient().send(HttpRequest.newBuilder(uri)
                .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, answer.statusCode(), uri + ": " + answer.body());
        return answer.body();
    }

    /** The rows of the printed pruning curve. */
    private static List<Row> table(String output) {
        List<String> lines = output.lines().toList();
        int header = -1;
        for (int i = 0; i < lines.size(); i++) {
            if (HEADER.matcher(lines.get(i)).matches()) {
                header = i;
            }
        }
        assertTrue(header >= 0, "no pruning curve printed: " + output);
        List<Row> rows = new ArrayList<>();
        for (String line : lines.subList(header + 1, lines.size())) {
            Matcher m = ROW.matcher(line);
            if (!m.matches()) {
                break;
            }
            rows.add(new Row(Integer.parseInt(m.group(1)), Double.parseDouble(m.group(2)) / 100, m.group(3),
                    number(m.group(4)), number(m.group(5))));
        }
        return rows;
    }

    private static double number(String cell) {
        return cell.equals("-") ? Double.NaN : Double.parseDouble(cell);
    }
}
