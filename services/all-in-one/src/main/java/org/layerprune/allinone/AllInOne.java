package org.layerprune.allinone;

import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.annotations.QuarkusMain;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.layerprune.contracts.events.EventType;
import org.layerprune.contracts.kafka.Topics;
import org.layerprune.testkit.EmbeddedKafkaBroker;

/**
 * The default run in one JVM: starts a single-node KRaft broker in this process, creates every topic, points the
 * services at it and at the artifact root, then runs Quarkus with the four stage services, the control service and
 * {@link DefaultRun}.
 * The broker goes down after Quarkus has stopped, so that the services' consumers leave their groups first.
 */
@QuarkusMain
public class AllInOne {

    /** Partitions of each topic: room for more heal workers (one per partition at most) in a later deployment. */
    static final int PARTITIONS = 4;
    /** The services whose dead-letter topics are created. */
    static final List<String> SERVICES = List.of("probe-service", "prune-service", "heal-service", "eval-service");

    /** How long a stop signal waits for the services and then the broker to stop. */
    static final Duration BROKER_CLOSE_WAIT = Duration.ofMinutes(3);

    /** Held so that the levels stay set until Quarkus configures logging. */
    private static final List<Logger> QUIET = new ArrayList<>();

    public static void main(String... args) {
        RunOptions options;
        try {
            options = RunOptions.parse(args);
            RunInputs.check(options.modelDir(), options.dataDir()); // refused before anything starts
        } catch (RunOptions.UsageException e) {
            System.err.println("layerprune all-in-one: " + e.getMessage());
            System.err.print(RunOptions.USAGE);
            System.exit(2);
            return;
        } catch (IllegalArgumentException e) {
            System.err.println("layerprune all-in-one: " + e.getMessage());
            System.exit(2);
            return;
        }
        if (System.getProperty("ai.djl.offline") == null) {
            System.setProperty("ai.djl.offline", "true"); // libtorch is on the classpath: never download, no telemetry
        }
        quietBrokerLogs();
        Path brokerData;
        try {
            brokerData = Files.createTempDirectory("layerprune-kafka-");
        } catch (IOException e) {
            throw new UncheckedIOException("no temporary directory for the broker", e);
        }
        int[] exitCode = {0};
        // On SIGTERM or Ctrl+C the JVM halts once its shutdown hooks are done: this one holds it until the broker
        // below has stopped (and deleted its data), after Quarkus' own hook has stopped the services.
        CountDownLatch brokerClosed = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                brokerClosed.await(BROKER_CLOSE_WAIT.toSeconds(), TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "all-in-one-broker-close"));
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(brokerData)) {
            List<String> topics = new ArrayList<>(Topics.EVENT_TYPES.stream().map(EventType::name).toList());
            SERVICES.forEach(service -> topics.add(Topics.deadLetter(service).name()));
            broker.createTopics(topics, PARTITIONS);
            System.setProperty("kafka.bootstrap.servers", broker.bootstrapServers());
            System.setProperty("layerprune.artifact-root", options.artifactRoot().toString());
            System.setProperty("kafka-streams.state.dir", brokerData.resolve("streams-state").toString());
            Quarkus.run(DefaultRun.class, (code, failure) -> {
                exitCode[0] = code;
                if (failure instanceof IllegalArgumentException) { // a model or data directory that cannot be used
                    System.err.println("layerprune all-in-one: " + failure.getMessage());
                } else if (failure != null) {
                    failure.printStackTrace();
                }
            }, args);
        } finally {
            brokerClosed.countDown();
        }
        System.exit(exitCode[0]);
    }

    /** The broker logs every setting at INFO while it starts, before Quarkus has read its log levels. */
    private static void quietBrokerLogs() {
        for (String category : List.of("kafka", "org.apache.kafka", "state.change.logger")) {
            Logger logger = Logger.getLogger(category);
            logger.setLevel(Level.WARNING);
            QUIET.add(logger);
        }
    }
}
