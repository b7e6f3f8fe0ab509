package org.layerprune.allinone;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import java.util.regex.Pattern;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.layerprune.testkit.PackagedApp;

/**
 * Hands test classes one packaged all-in-one (a {@link RunningAllInOne} parameter) for the whole test run, for the ITs
 * that need only its default experiment, finished, and its live API: each would otherwise pay for a default run of its
 * own. Started by the first class that asks; stopped as Ctrl+C stops it once every class has run (JUnit's root store;
 * failsafe runs the ITs in one JVM). A test that needs an app of its own (AllInOneIT: what it prints from launch, the
 * time that takes) starts one itself.
 */
final class SharedAllInOne implements BeforeAllCallback, ParameterResolver {

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(SharedAllInOne.class);

    /** Runs before the class's own {@code @BeforeAll} methods, and so before any asks for the app. */
    @Override
    public void beforeAll(ExtensionContext context) {
        assumeTrue(RunOptions.shared().isPresent(), "no shared fixtures (../shared) on this machine; set"
                + " LAYERPRUNE_SHARED");
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == RunningAllInOne.class;
    }

    @Override
    public RunningAllInOne resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return context.getRoot().getStore(NAMESPACE).getOrComputeIfAbsent(RunningAllInOne.class,
                key -> RunningAllInOne.start(), RunningAllInOne.class);
    }

    /** The app, its URL and the id of the default experiment it submitted; the root store closes it. */
    record RunningAllInOne(PackagedApp app, String url, String defaultExperiment) implements AutoCloseable {

        /** Heals of the default run: short; the curve's numbers are AllInOneIT's business. */
        private static final int STEPS = 30;
        private static final Pattern EXPERIMENT = Pattern.compile("^experiment (\\S+): ");
        /** Bounds on a start or a stop that hangs, not performance targets. */
        private static final Duration NAMED_WITHIN = Duration.ofMinutes(5);
        private static final Duration STOP_GRACE = Duration.ofMinutes(1);

        /**
         * Starts the all-in-one as a user starts it (a free port, a fresh artifact root) and returns once it has named
         * its experiment: its services are up then, and the experiment is on its way.
         */
        static RunningAllInOne start() {
            Path jar = Path.of(System.getProperty("all-in-one.jar", "target/quarkus-app/quarkus-run.jar"));
            assertTrue(Files.isRegularFile(jar), jar + " missing: package the module first");
            Path work = Path.of("target").toAbsolutePath().resolve("shared-all-in-one-"
                    + UUID.randomUUID().toString().substring(0, 8));
            int port = PackagedApp.freePort();
            PackagedApp app = PackagedApp.builder("all-in-one", jar).systemProperty("quarkus.http.port", port)
                    .args("--steps", String.valueOf(STEPS), "--artifact-root", work.resolve("artifact-root").toString())
                    .log(work.resolve("all-in-one.log")).start();
            try {
                String experiment = app.awaitLog(EXPERIMENT, NAMED_WITHIN).group(1);
                return new RunningAllInOne(app, "http://localhost:" + port, experiment);
            } catch (AssertionError e) {
                app.kill(); // not in the store yet: nothing else would stop it
                throw e;
            }
        }

        @Override
        public void close() {
            app.stop(STOP_GRACE); // as Ctrl+C
        }
    }
}
