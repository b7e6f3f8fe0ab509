package org.layerprune.testkit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/**
 * What every kind of test broker must do for the services' tests, checked with real Kafka clients. A subclass
 * supplies the broker; every test uses topics and groups of its own, so the broker may be shared.
 */
abstract class BrokerContract {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    abstract KafkaBroker broker();

    @Test
    void deliversRecordsWithKeysValuesAndHeadersInOrder() throws Exception {
        String topic = uniqueName("events");
        broker().createTopics(List.of(topic), 1);
        try (KafkaProducer<String, String> producer = producer()) {
            for (int i = 0; i < 5; i++) {
                ProducerRecord<String, String> record = new ProducerRecord<>(topic, "exp-" + i, "{\"n\":" + i + "}");
                record.headers().add("ce_type", "org.layerprune.test".getBytes(StandardCharsets.UTF_8));
                record.headers().add("ce_id", ("id-" + i).getBytes(StandardCharsets.UTF_8));
                producer.send(record).get();
            }
        }

        List<ConsumerRecord<String, String>> received = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = consumer(uniqueName("group"))) {
            consumer.subscribe(List.of(topic));
            await().atMost(TIMEOUT).until(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(received::add);
                return received.size() >= 5;
            });
        }

        assertEquals(5, received.size());
        for (int i = 0; i < 5; i++) {
            ConsumerRecord<String, String> record = received.get(i);
            assertEquals("exp-" + i, record.key());
            assertEquals("{\"n\":" + i + "}", record.value());
            assertEquals("org.layerprune.test", header(record, "ce_type"));
            assertEquals("id-" + i, header(record, "ce_id"));
        }
    }

    @Test
    void splitsPartitionsBetweenTwoMembersOfAConsumerGroup() {
        String topic = uniqueName("work");
        broker().createTopics(List.of(topic), 4);
        String group = uniqueName("workers");
        try (KafkaConsumer<String, String> first = consumer(group);
                KafkaConsumer<String, String> second = consumer(group)) {
            first.subscribe(List.of(topic));
            second.subscribe(List.of(topic));
            // Both must keep polling: a member joins, and takes part in a rebalance, only from inside poll.
            await().atMost(TIMEOUT).untilAsserted(() -> {
                first.poll(Duration.ofMillis(100));
                second.poll(Duration.ofMillis(100));
                Set<TopicPartition> a = first.assignment();
                Set<TopicPartition> b = second.assignment();
                assertFalse(a.isEmpty(), "first member has no partition");
                assertFalse(b.isEmpty(), "second member has no partition");
                Set<TopicPartition> union = new HashSet<>(a);
                union.addAll(b);
                assertEquals(4, union.size(), "partitions " + a + " and " + b + " do not cover the topic");
                assertEquals(4, a.size() + b.size(), "partitions " + a + " and " + b + " overlap");
            });
        }
    }

    @Test
    void createsTopicsWithThePartitionCountAsked() throws Exception {
        String three = uniqueName("three");
        String seven = uniqueName("seven");
        broker().createTopics(List.of(three), 3);
        broker().createTopics(List.of(seven), 7);
        try (Admin admin = admin()) {
            var topics = admin.describeTopics(List.of(three, seven)).allTopicNames().get();
            assertEquals(3, topics.get(three).partitions().size());
            assertEquals(7, topics.get(seven).partitions().size());
        }
    }

    @Test
    void keepsAnExistingTopicButRefusesAnotherPartitionCount() {
        String topic = uniqueName("again");
        broker().createTopics(List.of(topic), 2);
        broker().createTopics(List.of(topic), 2);
        IllegalStateException refused = assertThrows(IllegalStateException.class,
                () -> broker().createTopics(List.of(topic), 5));
        assertTrue(refused.getMessage().contains(topic), refused.getMessage());
    }

    Admin admin() {
        Properties config = new Properties();
        config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker().bootstrapServers());
        return Admin.create(config);
    }

    private KafkaProducer<String, String> producer() {
        Properties config = new Properties();
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker().bootstrapServers());
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        return new KafkaProducer<>(config, new StringSerializer(), new StringSerializer());
    }

    private KafkaConsumer<String, String> consumer(String group) {
        Properties config = new Properties();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker().bootstrapServers());
        config.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        return new KafkaConsumer<>(config, new StringDeserializer(), new StringDeserializer());
    }

    private static String header(ConsumerRecord<String, String> record, String key) {
        Header header = record.headers().lastHeader(key);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    private static String uniqueName(String prefix) {
        return prefix + "-" + UUID.randomUUID();
    }
}
