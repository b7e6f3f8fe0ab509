package org.layerprune.stage.testing;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.common.http.TestHTTPResource;
import jakarta.inject.Inject;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * What every stage service's {@code @QuarkusTest} starts from: the test broker's address, the artifact root with the
 * shared stories260K fixtures installed (and the model's content hash), the service's meter registry and metrics URL,
 * and an {@link EventClient} open for each test. The subclass names its broker's topics with
 * {@code @WithTestResource(KafkaBrokerResource)}.
 */
public abstract class StageServiceTest {

    /** How long a test waits for an event: generous, for a loaded 2-core machine, not a performance bound. */
    protected static final Duration WITHIN = Duration.ofSeconds(90);

    @ConfigProperty(name = "kafka.bootstrap.servers")
    protected String bootstrapServers;

    @ConfigProperty(name = "layerprune.artifact-root")
    protected Path root;

    @Inject
    protected MeterRegistry registry;

    @TestHTTPResource("/q/metrics")
    protected URI metrics;

    protected EventClient kafka;

    /** The content hash of models/stories260K under {@link #root}. */
    protected String modelHash;

    @BeforeEach
    void connect() {
        SharedFixtures.install(root);
        modelHash = SharedFixtures.modelHash(root);
        kafka = new EventClient(bootstrapServers);
    }

    @AfterEach
    void disconnect() {
        kafka.close();
    }
}
