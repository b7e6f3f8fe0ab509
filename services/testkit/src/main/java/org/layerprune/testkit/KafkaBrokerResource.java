package org.layerprune.testkit;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Points a {@code @QuarkusTest} at a real Kafka broker: {@code @WithTestResource(KafkaBrokerResource.class)}. It uses
 * the JVM's {@linkplain KafkaBrokers#shared() shared broker}, so a module's test classes start one broker between
 * them, and turns Quarkus' Dev Services for Kafka off (they need Docker). Topics that must exist before the
 * application starts (Kafka Streams waits for its input topics) are named with init args, e.g.
 * {@code initArgs = {@ResourceArg(name = "topics", value = "a,b"), @ResourceArg(name = "partitions", value = "3")}}.
 *
 * <p>A service's {@code application.properties} should also say {@code %test.quarkus.kafka.devservices.enabled=false}:
 * Dev Services are decided while Quarkus builds the application, before this resource starts, and would otherwise
 * probe for Docker (an ERROR line and a second lost). It should hold the {@code kafka}, {@code org.apache.kafka} and
 * {@code state.change.logger} categories at WARN under {@code %test.}: the broker in the test JVM is verbose.
 */
public final class KafkaBrokerResource implements QuarkusTestResourceLifecycleManager {

    /** Init arg: comma-separated topics to create before the application starts. */
    public static final String TOPICS = "topics";
    /** Init arg: the partition count of those topics, 1 when not given. */
    public static final String PARTITIONS = "partitions";

    private List<String> topics = List.of();
    private int partitions = 1;

    @Override
    public void init(Map<String, String> initArgs) {
        topics = Arrays.stream(initArgs.getOrDefault(TOPICS, "").split(","))
                .map(String::trim)
                .filter(name -> !name.isEmpty())
                .toList();
        partitions = Integer.parseInt(initArgs.getOrDefault(PARTITIONS, "1").trim());
    }

    /**
     * Returns the configuration that overrides the application's: {@code kafka.bootstrap.servers} is the default for
     * every SmallRye Kafka channel and, unless set apart, for Kafka Streams too.
     */
    @Override
    public Map<String, String> start() {
        KafkaBroker broker = KafkaBrokers.shared();
        broker.createTopics(topics, partitions);
        return Map.of(
                "kafka.bootstrap.servers", broker.bootstrapServers(),
                "quarkus.kafka.devservices.enabled", "false");
    }

    /** Leaves the shared broker running for the next test class; it stops when the JVM exits. */
    @Override
    public void stop() {
    }
}
