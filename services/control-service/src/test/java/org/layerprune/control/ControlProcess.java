package org.layerprune.control;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;

/**
 * The packaged control service (target/quarkus-app) as a child JVM on a broker of the test's, with its own HTTP port
 * (also its Kafka Streams {@code application.server}) and state directory; its console in a file.
 */
public final class ControlProcess implements AutoCloseable {

    private final String name;
    private final Process process;
    private final Path log;
    private final int port;

    private ControlProcess(String name, Process process, Path log, int port) {
        this.name = name;
        this.process = process;
        this.log = log;
        this.port = port;
    }

    /**
     * Starts an instance of application {@code applicationId} on a free port, with its store under {@code stateDir}.
     */
    public static ControlProcess start(String name, String bootstrapServers, String applicationId, Path stateDir,
            Path target) throws IOException {
        int port = freePort();
        Path log = target.resolve("it-control-service-" + name + "-" + UUID.randomUUID().toString().substring(0, 8)
                + ".log");
        ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx384m", "-Djava.awt.headless=true",
                "-Dquarkus.http.port=" + port,
                "-Dquarkus.kafka-streams.application-id=" + applicationId,
                "-Dquarkus.kafka-streams.application-server=localhost:" + port,
                "-Dkafka-streams.state.dir=" + stateDir,
                "-jar", System.getProperty("control-service.jar", "target/quarkus-app/quarkus-run.jar"))
                .redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().put("KAFKA_BOOTSTRAP_SERVERS", bootstrapServers);
        return new ControlProcess(name, builder.start(), log, port);
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
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
            assertTrue(process.isAlive(), name + " exited: " + log());
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
        try {
            return Files.readString(log);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Stops the instance as an orchestrator would (SIGTERM) and waits until it is gone. */
    public void stop() throws InterruptedException {
        process.destroy();
        process.waitFor();
    }

    @Override
    public void close() {
        process.destroyForcibly();
    }

    @Override
    public String toString() {
        return name + " on port " + port;
    }
}
