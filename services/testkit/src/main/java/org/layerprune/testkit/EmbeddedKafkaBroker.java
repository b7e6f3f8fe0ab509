package org.layerprune.testkit;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;
import org.apache.kafka.server.common.MetadataVersion;

/**
 * A single-node Kafka cluster (one process that is both broker and KRaft controller) running inside this JVM, from
 * the Kafka jars on Maven Central: a real broker for tests on machines without Docker. It listens on a random
 * localhost port and keeps its logs under a directory the caller names (under {@code target/}), deleted on close.
 */
public final class EmbeddedKafkaBroker implements KafkaBroker {

    private static final System.Logger LOG = System.getLogger(EmbeddedKafkaBroker.class.getName());

    /**
     * Broker settings that differ from Kafka's defaults. The internal topics default to replication factor 3, which one
     * broker cannot host; the test kit turns unstable features and API versions on, which production brokers never
     * do; and a consumer group would otherwise wait 3 s for more members before its first rebalance.
     */
    private static final Map<String, Object> SETTINGS = Map.of(
            "offsets.topic.replication.factor", "1",
            "transaction.state.log.replication.factor", "1",
            "transaction.state.log.min.isr", "1",
            "share.coordinator.state.topic.replication.factor", "1",
            "share.coordinator.state.topic.min.isr", "1",
            "unstable.feature.versions.enable", "false",
            "unstable.api.versions.enable", "false",
            "group.initial.rebalance.delay.ms", "0");

    private final KafkaClusterTestKit cluster;
    private final Duration startup;

    private EmbeddedKafkaBroker(KafkaClusterTestKit cluster, Duration startup) {
        this.cluster = cluster;
        this.startup = startup;
    }

    /**
     * Formats a fresh cluster under {@code dataDir} and starts it, returning once the broker takes requests.
     *
     * @param dataDir the parent of the broker's log and metadata directories; created if missing
     * @throws IllegalStateException when the broker does not come up
     */
    public static EmbeddedKafkaBroker start(Path dataDir) {
        long started = System.nanoTime();
        KafkaClusterTestKit cluster = null;
        try {
            Files.createDirectories(dataDir);
            TestKitNodes nodes = new TestKitNodes.Builder()
                    .setCombined(true)
                    .setNumBrokerNodes(1)
                    .setNumControllerNodes(1)
                    // The kit defaults to the latest metadata version, which is still in development.
                    .setBootstrapMetadataVersion(MetadataVersion.latestProduction())
                    .setBaseDirectory(dataDir)
                    .build();
            KafkaClusterTestKit.Builder builder = new KafkaClusterTestKit.Builder(nodes);
            SETTINGS.forEach(builder::setConfigProp);
            cluster = builder.build();
            cluster.format();
            cluster.startup();
            cluster.waitForReadyBrokers();
        } catch (Exception e) {
            closeQuietly(cluster, e);
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            throw new IllegalStateException("embedded Kafka broker did not start under " + dataDir, e);
        }
        Duration startup = Duration.ofNanos(System.nanoTime() - started);
        LOG.log(System.Logger.Level.INFO, "embedded Kafka broker ready at {0} in {1} ms",
                cluster.bootstrapServers(), startup.toMillis());
        return new EmbeddedKafkaBroker(cluster, startup);
    }

    @Override
    public String bootstrapServers() {
        return cluster.bootstrapServers();
    }

    /** How long {@link #start} took, from formatting to a broker that takes requests. */
    public Duration startup() {
        return startup;
    }

    @Override
    public void close() {
        try {
            cluster.close();
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            throw new IllegalStateException("embedded Kafka broker did not stop cleanly", e);
        }
    }

    private static void closeQuietly(KafkaClusterTestKit cluster, Exception failure) {
        if (cluster == null) {
            return;
        }
        try {
            cluster.close();
        } catch (Exception e) {
            failure.addSuppressed(e);
        }
    }
}
