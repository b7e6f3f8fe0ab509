package org.layerprune.allinone;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.layerprune.contracts.events.Event;
import org.layerprune.contracts.events.EventType;
import org.layerprune.contracts.kafka.EventDeserializer;
import org.layerprune.contracts.kafka.Topics;

/**
 * Every event of the pipeline's topics from their beginning, read back and handed on in arrival order, on a thread of
 * its own. It belongs to no consumer group (partitions are assigned, offsets never committed): it watches, it takes
 * nothing from the services. Records that cannot be read are skipped: the services send those to their DLQs.
 */
final class EventFeed implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(EventFeed.class.getName());

    private final KafkaConsumer<String, byte[]> consumer;
    private final Thread thread;

    private EventFeed(KafkaConsumer<String, byte[]> consumer, Consumer<Event> sink) {
        this.consumer = consumer;
        this.thread = new Thread(() -> poll(sink), "all-in-one-event-feed");
    }

    /** Starts reading the event topics on {@code bootstrapServers}; {@code sink} gets each event. */
    static EventFeed start(String bootstrapServers, Consumer<Event> sink) {
        KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.CLIENT_ID_CONFIG, "all-in-one-event-feed"),
                new StringDeserializer(), new ByteArrayDeserializer());
        List<TopicPartition> partitions = Topics.EVENT_TYPES.stream()
                .flatMap(type -> consumer.partitionsFor(type.name()).stream())
                .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        EventFeed feed = new EventFeed(consumer, sink);
        feed.thread.start();
        return feed;
    }

    private void poll(Consumer<Event> sink) {
        try {
            while (true) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                    Event event;
                    try {
                        event = read(Topics.eventType(record.topic()), record);
                    } catch (RuntimeException e) {
                        LOG.log(System.Logger.Level.DEBUG, "unreadable record on " + record.topic() + ": " + e);
                        continue;
                    }
                    sink.accept(event);
                }
            }
        } catch (WakeupException e) {
            // closing
        } finally {
            consumer.close();
        }
    }

    private static <E extends Event> E read(EventType<E> type, ConsumerRecord<String, byte[]> record) {
        return new EventDeserializer<>(type).deserialize(record.topic(), record.value());
    }

    @Override
    public void close() throws InterruptedException {
        consumer.wakeup();
        thread.join(Duration.ofSeconds(10).toMillis());
    }
}
