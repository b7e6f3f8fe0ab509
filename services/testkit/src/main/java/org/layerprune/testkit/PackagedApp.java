package org.layerprune.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.MatchResult;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A packaged app ({@code java -jar}, e.g. a Quarkus app's {@code target/quarkus-app/quarkus-run.jar}) as a child
 * process of the test, on this JVM's {@code java}, its console (stdout and stderr) in a log file that the test reads.
 */
public final class PackagedApp implements AutoCloseable {

    /** How often {@link #awaitLog} reads the log again. */
    private static final Duration POLL = Duration.ofMillis(200);
    /** SIGKILL ends a process at once; the bound only keeps an unkillable one from hanging the test. */
    private static final Duration KILL_WAIT = Duration.ofSeconds(30);

    private final String name;
    private final Process process;
    private final Path log;

    private PackagedApp(Builder started, Process process) {
        this.name = started.name;
        this.log = started.log;
        this.process = process;
    }

    /** An app named {@code name} in failure messages, launched from {@code jar}. */
    public static Builder builder(String name, Path jar) {
        return new Builder(name, jar);
    }

    /** A TCP port free at the moment, for an app that must be told its port (e.g. {@code quarkus.http.port}). */
    public static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free port", e);
        }
    }

    /** Everything the app has printed so far. */
    public String log() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /**
     * Waits until a line of the log matches {@code line} ({@link Matcher#find()}), and returns the first such match.
     *
     * @throws AssertionError when the app ends first, or {@code within} passes; with the log in the message
     */
    public MatchResult awaitLog(Pattern line, Duration within) {
        long deadline = System.nanoTime() + within.toNanos();
        while (true) {
            boolean alive = process.isAlive(); // before the read: a line printed just before the exit is seen
            Optional<MatchResult> found = firstMatch(line);
            if (found.isPresent()) {
                return found.get();
            }
            if (!alive) {
                throw new AssertionError(name + " ended (exit " + process.exitValue() + ") before printing a line"
                        + " matching '" + line + "':\n" + log());
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError(name + " printed no line matching '" + line + "' within " + within + ":\n"
                        + log());
            }
            sleep(POLL);
        }
    }

    private Optional<MatchResult> firstMatch(Pattern line) {
        return log().lines().map(line::matcher).filter(Matcher::find).map(Matcher::toMatchResult).findFirst();
    }

    /**
     * Stops the app as an orchestrator or Ctrl+C would (SIGTERM), and kills it (SIGKILL) if it has not ended within
     * {@code grace}.
     *
     * @return whether it ended on the SIGTERM, within {@code grace}
     */
    public boolean stop(Duration grace) {
        process.destroy();
        if (waitFor(grace)) {
            return true;
        }
        kill();
        return false;
    }

    /** Kills the app (SIGKILL: no shutdown hook runs) and waits until it is gone. */
    public void kill() {
        process.destroyForcibly();
        waitFor(KILL_WAIT);
    }

    /** Kills the app: a test that wanted a graceful stop has called {@link #stop} by then. */
    @Override
    public void close() {
        kill();
    }

    private boolean waitFor(Duration timeout) {
        try {
            return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // the caller's to handle; the process may still run
            return !process.isAlive();
        }
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting", e);
        }
    }

    /** The command line and environment of an app: {@code java [JVM options] -jar JAR [args]}. */
    public static final class Builder {

        private final String name;
        private final Path jar;
        private final List<String> jvmOptions = new ArrayList<>();
        private final List<String> args = new ArrayList<>();
        private final Map<String, String> environment = new HashMap<>();
        private Path log;

        private Builder(String name, Path jar) {
            this.name = name;
            this.jar = jar;
        }

        /** JVM options before {@code -jar}, e.g. {@code -Xmx1g}. */
        public Builder jvmOptions(String... options) {
            jvmOptions.addAll(List.of(options));
            return this;
        }

        /** A {@code -Dkey=value} before {@code -jar}. */
        public Builder systemProperty(String key, Object value) {
            jvmOptions.add("-D" + key + "=" + value);
            return this;
        }

        /** The app's own arguments, after the jar. */
        public Builder args(String... more) {
            args.addAll(List.of(more));
            return this;
        }

        /** An environment variable, in addition to this JVM's environment. */
        public Builder env(String key, String value) {
            environment.put(key, value);
            return this;
        }

        /** Where the console goes (required); replaced if it exists, its directory created if missing. */
        public Builder log(Path file) {
            log = file;
            return this;
        }

        public PackagedApp start() {
            Objects.requireNonNull(log, "no log file for " + name);
            List<String> command = new ArrayList<>();
            command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            command.addAll(jvmOptions);
            command.addAll(List.of("-jar", jar.toString()));
            command.addAll(args);
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(log.toFile());
            builder.environment().putAll(environment);
            try {
                Files.createDirectories(log.toAbsolutePath().getParent());
                return new PackagedApp(this, builder.start());
            } catch (IOException e) {
                throw new UncheckedIOException("cannot start " + name + ": " + command, e);
            }
        }
    }
}
