package org.layerprune.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.MatchResult;
import java.util.regex.Pattern;
import java.util.spi.ToolProvider;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real child JVM: a tiny app, compiled and packaged here, that prints its settings and waits; on SIGTERM its
 * shutdown hook says so (and, asked to be stubborn, never finishes).
 */
class PackagedAppTest {

    /** Bounds on a hang, not performance targets: a JVM this small starts in about a second. */
    private static final Duration WITHIN = Duration.ofMinutes(1);
    private static final Pattern STARTED = Pattern.compile("^started (\\S+) (\\S+) (\\S+)$");

    private static final String MAIN = """
            public class Main {
                public static void main(String[] args) throws Exception {
                    boolean stubborn = args[0].equals("stubborn");
                    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                        System.out.println("stopping");
                        while (stubborn) {
                            java.util.concurrent.locks.LockSupport.park();
                        }
                    }));
                    if (args[0].equals("exit")) {
                        System.out.println("leaving at once");
                        System.exit(3);
                    }
                    System.out.println("started " + System.getProperty("greeting") + " " + args[0] + " "
                            + System.getenv("PACKAGED_APP_TEST"));
                    Thread.sleep(600_000); // ends itself should a test leave it behind
                }
            }
            """;

    @TempDir
    static Path dir;
    private static Path jar;

    @BeforeAll
    static void packageTheApp() throws IOException {
        Path classes = Files.createDirectories(dir.resolve("classes"));
        Path source = Files.writeString(dir.resolve("Main.java"), MAIN);
        run("javac", "-d", classes.toString(), source.toString());
        jar = dir.resolve("app.jar");
        run("jar", "--create", "--file", jar.toString(), "--main-class", "Main", "-C", classes.toString(), ".");
    }

    private static void run(String tool, String... args) {
        int code = ToolProvider.findFirst(tool).orElseThrow().run(System.out, System.err, args);
        assertEquals(0, code, tool + " failed");
    }

    private static PackagedApp start(String mode) {
        return PackagedApp.builder("app-" + mode, jar).jvmOptions("-Xmx32m").systemProperty("greeting", "hello")
                .args(mode).env("PACKAGED_APP_TEST", "from-env").log(dir.resolve(mode + ".log")).start();
    }

    @Test
    void awaitLogSeesTheLineWithTheSettingsItWasStartedWith() {
        try (PackagedApp app = start("waiting")) {
            MatchResult started = app.awaitLog(STARTED, WITHIN);

            assertEquals("hello", started.group(1), "system property");
            assertEquals("waiting", started.group(2), "argument");
            assertEquals("from-env", started.group(3), "environment");
            assertTrue(app.isAlive());
        }
    }

    @Test
    void stopEndsTheAppWithSigterm() {
        Stopped stopped = startAndStop("waiting", WITHIN);

        assertTrue(stopped.onSigterm(), "ended on SIGTERM");
        assertTrue(stopped.log().contains("stopping"), "its shutdown hook ran: " + stopped.log());
    }

    @Test
    void stopKillsAnAppThatDoesNotEndOnSigterm() {
        Stopped stopped = startAndStop("stubborn", Duration.ofSeconds(1));

        assertFalse(stopped.onSigterm(), "ended on SIGTERM");
        assertTrue(stopped.log().contains("stopping"), "SIGTERM came first: " + stopped.log());
    }

    /** How {@link PackagedApp#stop} went; the app is gone either way. */
    private record Stopped(boolean onSigterm, String log) {
    }

    private static Stopped startAndStop(String mode, Duration grace) {
        try (PackagedApp app = start(mode)) {
            app.awaitLog(STARTED, WITHIN);
            boolean onSigterm = app.stop(grace);
            assertFalse(app.isAlive(), "stopped");
            return new Stopped(onSigterm, app.log());
        }
    }

    @Test
    void killEndsTheAppWithoutItsShutdownHook() {
        try (PackagedApp app = start("waiting")) {
            app.awaitLog(STARTED, WITHIN);

            app.kill();

            assertFalse(app.isAlive());
            assertFalse(app.log().contains("stopping"), "its shutdown hook ran: " + app.log());
        }
    }

    @Test
    void awaitLogFailsWhenTheAppEndsWithoutTheLine() {
        try (PackagedApp app = start("exit")) {
            AssertionError failure = assertThrows(AssertionError.class, () -> app.awaitLog(STARTED, WITHIN));

            assertTrue(failure.getMessage().contains("exit 3") && failure.getMessage().contains("leaving at once"),
                    failure.getMessage());
        }
    }

    @Test
    void awaitLogFailsWhenTheLineDoesNotComeInTime() {
        try (PackagedApp app = start("waiting")) {
            app.awaitLog(STARTED, WITHIN);

            AssertionError failure = assertThrows(AssertionError.class,
                    () -> app.awaitLog(Pattern.compile("never printed"), Duration.ofMillis(500)));

            assertTrue(failure.getMessage().contains("no line matching 'never printed'"), failure.getMessage());
            assertTrue(app.isAlive());
        }
    }
}
