package org.layerprune.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.testcontainers.DockerClientFactory;

/**
 * Chooses and starts the broker tests run against. The system property {@value #KIND_PROPERTY} names the kind:
 * {@code embedded} (the default: in this JVM, no Docker needed), {@code testcontainers} (Docker required) or
 * {@code auto} (Testcontainers where a Docker engine answers, embedded elsewhere).
 */
public final class KafkaBrokers {

    /** The system property that picks the kind of broker; surefire passes it on from {@code -D} on the command line. */
    public static final String KIND_PROPERTY = "layerprune.test.kafka";

    /** Where embedded brokers keep their data: relative to the working directory, the module's basedir in surefire. */
    private static final Path DATA_ROOT = Path.of("target", "kafka");

    /** The kinds of broker {@value #KIND_PROPERTY} can name. */
    public enum Kind {
        EMBEDDED, TESTCONTAINERS, AUTO;

        /** The kind named by {@value #KIND_PROPERTY}, {@link #EMBEDDED} when it is not set. */
        public static Kind configured() {
            return valueOf(System.getProperty(KIND_PROPERTY, "embedded").trim().toUpperCase(Locale.ROOT));
        }
    }

    private static KafkaBroker shared;

    private KafkaBrokers() {
    }

    /**
     * Starts a new broker of the {@linkplain Kind#configured() configured kind}, for a test that wants one of its own.
     * The caller closes it.
     */
    public static KafkaBroker start() {
        return start(Kind.configured());
    }

    /** Starts a new broker of the given kind; the caller closes it. */
    public static KafkaBroker start(Kind kind) {
        return switch (kind) {
            case EMBEDDED -> EmbeddedKafkaBroker.start(newDataDir());
            case TESTCONTAINERS -> ContainerKafkaBroker.start();
            case AUTO -> start(DockerClientFactory.instance().isDockerAvailable() ? Kind.TESTCONTAINERS : Kind.EMBEDDED);
        };
    }

    /**
     * The one broker of this JVM, started on first use and stopped when the JVM exits. Surefire runs a module's test
     * classes one after the other in one JVM, so they share it: the first class pays for the start (seconds), the
     * others pay nothing. Tests that share it must not assume empty topics or fresh consumer groups: they use their
     * own topics, keys or ids, as services do in production.
     */
    public static synchronized KafkaBroker shared() {
        if (shared == null) {
            KafkaBroker broker = start();
            Runtime.getRuntime().addShutdownHook(new Thread(broker::close, "kafka-broker-shutdown"));
            shared = broker;
        }
        return shared;
    }

    /** A new, empty directory under {@link #DATA_ROOT} for one embedded broker. */
    static Path newDataDir() {
        try {
            return Files.createTempDirectory(Files.createDirectories(DATA_ROOT), "broker-");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a data directory under " + DATA_ROOT.toAbsolutePath(), e);
        }
    }
}
