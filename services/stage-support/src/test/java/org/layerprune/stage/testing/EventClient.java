package org.layerprune.stage.testing;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.layerprune.contracts.events.Event;
import org.layerprune.contracts.events.EventType;
import org.layerprune.contracts.kafka.CloudEvent;
import org.layerprune.contracts.kafka.EventDeserializer;
import org.layerprune.contracts.kafka.EventSerializer;

/**
 * Plain Kafka clients for a service test: sends events as another stage would (key, CloudEvents headers, contract
 * JSON) or raw bytes, and reads a topic from its beginning until the records a test waits for are there.
 */
public final class EventClient implements AutoCloseable {

    private final String bootstrapServers;
    private final KafkaProducer<String, byte[]> producer;

    public EventClient(String bootstrapServers) {
        this.bootstrapServers = bootstrapServers;
        this.producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers),
                new StringSerializer(), new ByteArraySerializer());
    }

    /** Sends {@code event} to its topic, keyed and with CloudEvents headers from {@code /layerprune/test}. */
    public void send(Event event) {
        ProducerRecord<String, byte[]> record = new ProducerRecord<>(event.type().name(), event.key(),
                new EventSerializer<>().serialize(event.type().name(), event));
        CloudEvent.of(event, "/layerprune/test").writeTo(record.headers());
        send(record);
    }

    /** Sends {@code value} as it is, e.g. bytes no stage can read. */
    public void sendRaw(String topic, String key, byte[] value) {
        send(new ProducerRecord<>(topic, key, value));
    }

    private void send(ProducerRecord<String, byte[]> record) {
        try {
            producer.send(record).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("cannot send to " + record.topic(), e.getCause());
        }
    }

    /**
     * The records of {@code topic} that {@code match}, once there are at least {@code count} of them.
     *
     * @throws AssertionError naming what was found when {@code timeout} passes first
     */
    public List<ConsumerRecord<String, byte[]>> await(String topic, Predicate<ConsumerRecord<String, byte[]>> match,
            int count, Duration timeout) {
        Map<String, Object> config = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(config, new StringDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, timeout).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            List<ConsumerRecord<String, byte[]>> found = new ArrayList<>();
            long deadline = System.nanoTime() + timeout.toNanos();
            while (found.size() < count && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(r -> {
                    if (match.test(r)) {
                        found.add(r);
                    }
                });
            }
            if (found.size() < count) {
                throw new AssertionError("expected " + count + " matching records on " + topic + " within "
                        + timeout + ", found " + found.size());
            }
            return found;
        }
    }

    /** {@link #await} for the events of {@code type} that {@code match}, read back; unreadable records never match. */
    public <E extends Event> List<E> awaitEvents(EventType<E> type, Predicate<E> match, int count, Duration timeout) {
        return await(type.name(), r -> read(type, r).filter(match).isPresent(), count, timeout).stream()
                .map(r -> read(type, r).orElseThrow()).toList();
    }

    /** The event in {@code record}, when it holds one of {@code type}. */
    public static <E extends Event> Optional<E> read(EventType<E> type, ConsumerRecord<String, byte[]> record) {
        try {
            return Optional.ofNullable(new EventDeserializer<>(type).deserialize(record.topic(), record.value()));
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    /** The last value of header {@code name}, as text; null when absent. */
    public static String header(ConsumerRecord<?, ?> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        producer.close();
    }
}
