package org.layerprune.control;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import org.layerprune.testkit.PackagedApp;

/**
 * The packaged control service (target/quarkus-app) as a child JVM on a broker of the test's, with its own HTTP port
 * (also its Kafka Streams {@code application.server}) and state directory; its console in a file.
 */
public final class ControlProcess implements AutoCloseable {

    /** A bound on a stop that hangs, not a performance target: then the instance is killed and the test fails. */
    private static final Duration STOP_GRACE = Duration.ofMinutes(3);

    private final String name;
    private final PackagedApp app;
    private final int port;

    private ControlProcess(String name, PackagedApp app, int port) {
        this.name = name;
        this.app = app;
        this.port = port;
    }

    /**
     * Starts an instance of application {@code applicationId} on a free port, with its store under {@code stateDir}.
     */
    public static ControlProcess start(String name, String bootstrapServers, String applicationId, Path stateDir,
            Path target) {
        int port = PackagedApp.freePort();
        Path jar = Path.of(System.getProperty("control-service.jar", "target/quarkus-app/quarkus-run.jar"));
        PackagedApp app = PackagedApp.builder("control-service " + name, jar)
                .jvmOptions("-Xmx384m", "-Djava.awt.headless=true")
                .systemProperty("quarkus.http.port", port)
                .systemProperty("quarkus.kafka-streams.application-id", applicationId)
                .systemProperty("quarkus.kafka-streams.application-server", "localhost:" + port)
                .systemProperty("kafka-streams.state.dir", stateDir)
                .env("KAFKA_BOOTSTRAP_SERVERS", bootstrapServers)
                .log(target.resolve("it-control-service-" + name + "-" + UUID.randomUUID().toString().substring(0, 8)
                        + ".log"))
                .start();
        return new ControlProcess(name, app, port);
    }

    public URI root() {
        return URI.create("http://localhost:" + port + "/");
    }

    public ControlTestClient api() {
        return new ControlTestClient(root());
    }

    /** Waits until the instance reports ready: its Kafka Streams running, its channels connected. */
    public ControlProcess awaitReady(Duration within) {
        ControlTestClient api = api();
        await().atMost(within).untilAsserted(() -> {
            assertTrue(app.isAlive(), name + " exited: " + log());
            assertEquals(200, ready(api), name + " not ready");
        });
        return this;
    }

    private static int ready(ControlTestClient api) {
        try {
            return api.get("/q/health/ready").statusCode();
        } catch (UncheckedIOException e) {
            return -1; // not listening yet
        }
    }

    public String log() {
        return app.log();
    }

    /** Stops the instance as an orchestrator would (SIGTERM) and waits until it is gone. */
    public void stop() {
        assertTrue(app.stop(STOP_GRACE), name + " did not end on SIGTERM: " + log());
    }

    @Override
    public void close() {
        app.kill();
    }

    @Override
    public String toString() {
        return name + " on port " + port;
    }
}
