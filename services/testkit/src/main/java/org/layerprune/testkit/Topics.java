package org.layerprune.testkit;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/** Topic creation through the admin client, for {@link KafkaBroker#createTopics}. */
final class Topics {

    /** How long a new topic may take to reach the broker's metadata cache after the controller created it. */
    private static final Duration VISIBLE_WITHIN = Duration.ofSeconds(30);
    private static final Duration RETRY_EVERY = Duration.ofMillis(50);

    private Topics() {
    }

    static void ensure(String bootstrapServers, Collection<String> names, int partitions) {
        if (names.isEmpty()) {
            return;
        }
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
            List<NewTopic> topics = names.stream().map(name -> new NewTopic(name, partitions, (short) 1)).toList();
            admin.createTopics(topics).values().values().forEach(Topics::awaitCreatedOrExisting);
            awaitVisible(admin, names).values().stream()
                    .filter(topic -> topic.partitions().size() != partitions)
                    .findFirst()
                    .ifPresent(topic -> {
                        throw new IllegalStateException("topic " + topic.name() + " exists with "
                                + topic.partitions().size() + " partitions, not " + partitions);
                    });
        }
    }

    private static void awaitCreatedOrExisting(KafkaFuture<Void> creation) {
        try {
            creation.get();
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw new IllegalStateException("could not create a topic", e.getCause());
            }
        } catch (InterruptedException e) {
            throw interrupted(e);
        }
    }

    /**
     * Describes the topics once the broker knows them all. The controller acknowledges a creation before the broker's
     * metadata cache has it, and a client that asks in between is told the topic does not exist.
     */
    private static Map<String, TopicDescription> awaitVisible(Admin admin, Collection<String> names) {
        long deadline = System.nanoTime() + VISIBLE_WITHIN.toNanos();
        while (true) {
            try {
                return admin.describeTopics(names).allTopicNames().get();
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof UnknownTopicOrPartitionException) || System.nanoTime() > deadline) {
                    throw new IllegalStateException("could not describe topics " + names, e.getCause());
                }
            } catch (InterruptedException e) {
                throw interrupted(e);
            }
            try {
                Thread.sleep(RETRY_EVERY.toMillis());
            } catch (InterruptedException e) {
                throw interrupted(e);
            }
        }
    }

    private static IllegalStateException interrupted(InterruptedException e) {
        Thread.currentThread().interrupt();
        return new IllegalStateException("interrupted while creating topics", e);
    }
}
