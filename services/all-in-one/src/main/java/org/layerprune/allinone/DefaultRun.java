package org.layerprune.allinone;

import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.QuarkusApplication;
import jakarta.inject.Inject;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.layerprune.contracts.events.ExperimentRequested;
import org.layerprune.contracts.events.StageFailed;
import org.layerprune.contracts.kafka.CloudEvent;
import org.layerprune.contracts.kafka.EventSerializer;

/**
 * What the all-in-one does once its services are up: submits the default experiment, prints a line for each stage
 * change and heal progress, and when every variant is evaluated prints the pruning curve; then serves metrics and
 * health until stopped, or returns at once with {@code --exit}. Exit code 1 when a stage failed.
 */
public class DefaultRun implements QuarkusApplication {

    /** The exit code of a run stopped before its experiment finished: 128 + SIGTERM, as a shell reports it. */
    static final int STOPPED = 143;

    /** The CloudEvents source of the request. */
    static final String SOURCE = "/layerprune/all-in-one";

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrapServers;

    @ConfigProperty(name = "layerprune.artifact-root")
    Path artifactRoot;

    @Inject
    StopSignal stop;

    private final PrintStream out = System.out;

    @Override
    public int run(String... args) throws Exception {
        RunOptions options = RunOptions.parse(args);
        RunInputs inputs = RunInputs.install(artifactRoot, options.modelDir(), options.dataDir());
        ExperimentRequested request = DefaultExperiment.request(inputs, options.steps());
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
            submit(request);
            CompletableFuture.anyOf(finished, stop.stopping()).get();
            if (!finished.isDone()) {
                out.printf(Locale.ROOT, "stopped after %.1f s, before experiment %s finished; the same command again"
                        + " continues from its outputs (a heal from its last checkpoint)%n",
                        (System.nanoTime() - start) / 1e9, request.experimentId());
                return STOPPED;
            }
            boolean failed = !finished.get().isEmpty();
            List<CurveRow> rows;
            synchronized (progress) {
                rows = progress.rows();
            }
            out.printf(Locale.ROOT, "%nPruning curve of %s (%s on %s; n = 0 is the unpruned model, nothing to heal),"
                    + " %s after %.1f s:%n%n", inputs.model(), ExperimentProgress.METRIC.wireName(), inputs.eval(),
                    failed ? "as far as it got: a stage FAILED (above)" : "done", (System.nanoTime() - start) / 1e9);
            out.print(CurveTable.render(rows, ExperimentProgress.METRIC.wireName()));
            out.println();
            return exitOrWait(options, failed ? 1 : 0);
        }
    }

    private int exitOrWait(RunOptions options, int code) {
        if (!options.exit()) {
            out.println("serving /q/metrics and /q/health until stopped (Ctrl+C); --exit leaves at once");
            Quarkus.waitForExit();
        }
        return code;
    }

    private void submit(ExperimentRequested request) throws InterruptedException, ExecutionException {
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ProducerConfig.CLIENT_ID_CONFIG, "all-in-one-submit"), new StringSerializer(),
                new ByteArraySerializer())) {
            ProducerRecord<String, byte[]> record = new ProducerRecord<>(ExperimentRequested.TYPE.name(),
                    request.key(), new EventSerializer<ExperimentRequested>().serialize(ExperimentRequested.TYPE.name(),
                    request));
            CloudEvent.of(request, SOURCE).writeTo(record.headers());
            producer.send(record).get();
        }
    }
}
