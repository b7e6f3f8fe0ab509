package org.layerprune.allinone;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The README's first command: the packaged all-in-one, as a user starts it (plus {@code --exit} and a fresh artifact
 * root), runs the default stories260K experiment from the shared fixtures to its pruning curve. Writes the wall time
 * to target/all-in-one-it.txt.
 */
class AllInOneIT {

    /** A bound on a run that hangs, not a performance target: the default run takes a few minutes. */
    private static final long LIMIT_MINUTES = 20;
    private static final Pattern HEADER =
            Pattern.compile("^\\s*n\\s+dropped\\s+l\\*\\(n\\)\\s+pruned loss\\s+healed loss$");
    private static final Pattern SERVICE_JAR = Pattern.compile("org\\.layerprune\\.layerprune-.*-service-.*\\.jar");
    private static final Pattern ROW = Pattern.compile("^\\s*(\\d+)\\s+([0-9.]+)%\\s+(\\S+)\\s+(\\S+)\\s+(\\S+)$");

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

        List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dquarkus.http.port=0", "-jar", jar.toString(), "--exit", "--artifact-root", root.toString());
        long start = System.nanoTime();
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(console.toFile())
                .start();
        boolean ended = process.waitFor(LIMIT_MINUTES, TimeUnit.MINUTES);
        double seconds = (System.nanoTime() - start) / 1e9;
        if (!ended) {
            process.destroyForcibly();
        }
        String output = Files.readString(console);
        assertTrue(ended, "still running after " + LIMIT_MINUTES + " min: " + output);
        assertEquals(0, process.exitValue(), output);

        List<Row> rows = table(output);
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

        String timing = String.format(Locale.ROOT, "all-in-one default run (packaged, --exit, fresh artifact root):"
                + " %.1f s wall, launch to exit%n", seconds);
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
        assertEquals(4, services.size(), "service jars in " + lib + ": " + services);
        for (Path jar : services) {
            try (JarFile file = new JarFile(jar.toFile())) {
                assertTrue(file.getEntry("application.properties") == null, jar + " brings its own configuration");
                assertTrue(file.stream().anyMatch(e -> e.getName().endsWith("Processor.class")),
                        jar + " has no processor");
            }
        }
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
