package org.layerprune.allinone;

import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.QuarkusApplication;
import jakarta.inject.Inject;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.layerprune.contracts.events.ExperimentRequested;
import org.layerprune.contracts.events.StageFailed;

/**
 * What the all-in-one does once its services are up: submits the default experiment to the control service's REST API,
 * prints a line for each stage change and heal progress (read from the topics), and when every variant is evaluated
 * prints the pruning curve the API serves; then serves the API, the dashboard, metrics and health until stopped, or returns at once
 * with {@code --exit}. Exit code 1 when a stage failed.
 */
public class DefaultRun implements QuarkusApplication {

    /** The exit code of a run stopped before its experiment finished: 128 + SIGTERM, as a shell reports it. */
    static final int STOPPED = 143;

    /** How long the control service's view may trail the events this run watched before it is given up on. */
    static final Duration VIEW_SETTLES_WITHIN = Duration.ofMinutes(1);

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrapServers;

    @ConfigProperty(name = "layerprune.artifact-root")
    Path artifactRoot;

    @ConfigProperty(name = "quarkus.http.port")
    int httpPort;

    @Inject
    StopSignal stop;

    @Inject
    DefaultExperimentTemplate template;

    private final PrintStream out = System.out;

    @Override
    public int run(String... args) throws Exception {
        RunOptions options = RunOptions.parse(args);
        DefaultExperimentTemplate.Default experiment = template.experiment(); // the dashboard's template, too
        RunInputs inputs = experiment.inputs();
        ExperimentRequested request = experiment.request();
        ExperimentProgress progress = new ExperimentProgress(request.experimentId());
        CompletableFuture<List<StageFailed>> finished = new CompletableFuture<>();
        long start = System.nanoTime();
        out.printf(Locale.ROOT, "experiment %s: %s, every block size, heals of %d updates, %s on %s%n",
                request.experimentId(), inputs.model(), options.steps(), ExperimentProgress.METRIC.wireName(),
                inputs.eval());
        out.printf(Locale.ROOT, "artifacts under %s/experiments/%s (the same run again reuses them)%n",
                artifactRoot.toAbsolutePath().normalize(), request.experimentId());
        try (EventFeed feed = EventFeed.start(bootstrapServers, event -> {
            synchronized (progress) {
                progress.apply(event).ifPresent(line -> out.printf(Locale.ROOT, "[%6.1f s] %s%n",
                        (System.nanoTime() - start) / 1e9, line));
                if (!progress.failures().isEmpty()) {
                    finished.complete(progress.failures());
                } else if (progress.complete()) {
                    finished.complete(List.of());
                }
            }
        })) {
            ControlClient control = new ControlClient(URI.create("http://localhost:" + httpPort));
            control.submit(request);
            CompletableFuture.anyOf(finished, stop.stopping()).get();
            if (!finished.isDone()) {
                out.printf(Locale.ROOT, "stopped after %.1f s, before experiment %s finished; the same command again"
                        + " continues from its outputs (a heal from its last checkpoint)%n",
                        (System.nanoTime() - start) / 1e9, request.experimentId());
                return STOPPED;
            }
            boolean failed = !finished.get().isEmpty();
            List<CurveRow> rows = CurveRow.of(control.settledCurve(request.experimentId(), VIEW_SETTLES_WITHIN),
                    ExperimentProgress.TASK.wireName(), ExperimentProgress.METRIC.wireName());
            out.printf(Locale.ROOT, "%nPruning curve of %s (%s on %s; n = 0 is the unpruned model, nothing to heal),"
                    + " %s after %.1f s:%n%n", inputs.model(), ExperimentProgress.METRIC.wireName(), inputs.eval(),
                    failed ? "as far as it got: a stage FAILED (above)" : "done", (System.nanoTime() - start) / 1e9);
            out.print(CurveTable.render(rows, ExperimentProgress.METRIC.wireName()));
            out.println();
            return exitOrWait(options, request.experimentId(), failed ? 1 : 0);
        }
    }

    private int exitOrWait(RunOptions options, String experimentId, int code) {
        if (!options.exit()) {
            out.printf(Locale.ROOT, "dashboard: http://localhost:%d/experiment.html?id=%s (submit more at"
                    + " http://localhost:%d/)%n", httpPort, experimentId, httpPort);
            out.printf(Locale.ROOT, "serving the API (http://localhost:%d/experiments, OpenAPI at /q/openapi), /q/metrics"
                    + " and /q/health until stopped (Ctrl+C); --exit leaves at once%n", httpPort);
            Quarkus.waitForExit();
        }
        return code;
    }
}
