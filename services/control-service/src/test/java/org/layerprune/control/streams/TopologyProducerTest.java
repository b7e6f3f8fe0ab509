package org.layerprune.control.streams;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.errors.LogAndContinueExceptionHandler;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.layerprune.contracts.events.Event;
import org.layerprune.contracts.events.VariantPruned;
import org.layerprune.contracts.kafka.Topic;
import org.layerprune.contracts.kafka.Topics;
import org.layerprune.control.ExperimentEvents;
import org.layerprune.control.view.ExperimentState;
import org.layerprune.control.view.ExperimentView;
import org.layerprune.control.view.VariantState;

/** The topology that {@link TopologyProducer} produces, driven without a broker: events in, views in the store. */
class TopologyProducerTest {

    @TempDir
    Path stateDir;

    private TopologyTestDriver driver;
    private final Map<String, TestInputTopic<String, Event>> inputs = new HashMap<>();

    @BeforeEach
    void start() {
        Properties config = new Properties();
        config.put(StreamsConfig.APPLICATION_ID_CONFIG, "control-service-test");
        config.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        config.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        config.put(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG,
                LogAndContinueExceptionHandler.class.getName());
        driver = new TopologyTestDriver(new TopologyProducer().buildTopology(), config);
        for (Topic<String, ? extends Event> topic : Topics.EVENT_TOPICS) {
            inputs.put(topic.name(), input(topic));
        }
    }

    @SuppressWarnings("unchecked")
    private <V extends Event> TestInputTopic<String, Event> input(Topic<String, V> topic) {
        return (TestInputTopic<String, Event>) (TestInputTopic<String, ?>) driver.createInputTopic(topic.name(),
                topic.keySerde().serializer(), topic.valueSerde().serializer());
    }

    @AfterEach
    void close() {
        driver.close();
    }

    private void pipe(Event event) {
        inputs.get(event.type().name()).pipeInput(event.key(), event);
    }

    private KeyValueStore<String, ExperimentView> store() {
        return driver.getKeyValueStore(TopologyProducer.EXPERIMENTS_STORE);
    }

    @Test
    void foldsTheSchemaExamplesKeyedByVariantIntoTheirExperimentsView() {
        ExperimentEvents.stories260kExamples("valid-").forEach(this::pipe);

        ExperimentView view = store().get("stories260k-demo");

        assertNotNull(view, "variant events are re-keyed by experiment");
        assertNull(store().get("stories260k-demo-n2-pruned"));
        assertEquals(5, view.layers());
        assertEquals(List.of(2, 2, 1, 0), view.probe().lStar());
        assertEquals(3, view.variant(2).removedLayers().get(1));
        assertEquals(10, view.variant(2).heal().step());
        assertEquals(VariantState.FAILED, view.variant(3).state());
        assertEquals(ExperimentState.FAILED, view.state());
        assertEquals(ExperimentState.FAILED, store().get("bad-model-ref").state(), "the probe failed on it");
    }

    @Test
    void keepsOneViewPerExperiment() {
        List<Event> a = ExperimentEvents.finished("exp-a", 1, 2);
        List<Event> b = ExperimentEvents.finished("exp-b", 3);
        for (int i = 0; i < Math.max(a.size(), b.size()); i++) {
            if (i < a.size()) {
                pipe(a.get(i));
            }
            if (i < b.size() - 1) {
                pipe(b.get(i)); // all but b's last evaluation
            }
        }

        assertEquals(ExperimentState.DONE, store().get("exp-a").state());
        assertEquals(ExperimentState.EVALUATING, store().get("exp-b").state());
        assertEquals(List.of(0, 3), store().get("exp-b").variants().stream().map(v -> v.n()).toList());
        assertEquals(2, count(store()));
    }

    @Test
    void skipsARecordItCannotReadAndGoesOn() {
        var raw = driver.createInputTopic(VariantPruned.TYPE.name(), new StringSerializer(),
                new ByteArraySerializer());
        raw.pipeInput("broken-n1-pruned", "{not json".getBytes(StandardCharsets.UTF_8));
        pipe(ExperimentEvents.pruned("broken", 1));

        assertEquals(1, store().get("broken").variant(1).n());
        assertNotNull(store().get("broken").variant(1).pruned());
    }

    private static long count(KeyValueStore<String, ExperimentView> store) {
        try (var all = store.all()) {
            long n = 0;
            while (all.hasNext()) {
                all.next();
                n++;
            }
            return n;
        }
    }
}
