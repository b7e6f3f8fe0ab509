package org.layerprune.control.streams;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Grouped;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.state.Stores;
import org.layerprune.contracts.events.Event;
import org.layerprune.contracts.kafka.Topic;
import org.layerprune.contracts.kafka.Topics;
import org.jboss.logging.Logger;
import org.layerprune.control.view.ExperimentView;
import org.layerprune.control.view.ViewJson;

/**
 * The topology: every event topic, re-keyed by experiment, folded by {@link ExperimentView#apply} into one view per
 * experiment in the persistent (RocksDB) store {@value #EXPERIMENTS_STORE}, backed by its changelog topic, so that a
 * new instance (or one that lost its disk) restores every view.
 */
@ApplicationScoped
public class TopologyProducer {

    private static final Logger LOG = Logger.getLogger(TopologyProducer.class);

    /** The store of views, key experimentId. */
    public static final String EXPERIMENTS_STORE = "experiments";

    /** The name of the re-keying step: its repartition topic is {@code <application-id>-by-experiment-repartition}. */
    static final String BY_EXPERIMENT = "by-experiment";

    @Produces
    public Topology buildTopology() {
        StreamsBuilder builder = new StreamsBuilder();
        KStream<String, Event> events = null;
        for (Topic<String, ? extends Event> topic : Topics.EVENT_TOPICS) {
            KStream<String, Event> stream = stream(builder, topic);
            events = events == null ? stream : events.merge(stream);
        }
        events
                // variant events are keyed by variantId: one experiment's events meet on the experiment's partition
                .selectKey((key, event) -> event.experimentId())
                .groupByKey(Grouped.with(BY_EXPERIMENT, Serdes.String(), new AnyEventSerde()))
                .aggregate(
                        () -> null,
                        TopologyProducer::fold,
                        Named.as("fold"),
                        Materialized.<String, ExperimentView>as(Stores.persistentKeyValueStore(EXPERIMENTS_STORE))
                                .withKeySerde(Serdes.String())
                                .withValueSerde(new ViewSerde()));
        return builder.build();
    }

    /**
     * {@code event} folded into {@code view} (null before the experiment's first event). An event the fold refuses is
     * logged and leaves the view as it was: one bad event must not stop the views of every experiment.
     */
    static ExperimentView fold(String experimentId, Event event, ExperimentView view) {
        ExperimentView current = view == null ? ExperimentView.empty(experimentId) : view;
        byte[] before = ViewJson.write(current); // apply changes the view in place
        try {
            return current.apply(event);
        } catch (RuntimeException e) {
            LOG.errorf(e, "%s of %s left out of the view of %s", event.type().name(), event.key(), experimentId);
            return ViewJson.read(before);
        }
    }

    /** {@code topic} as a stream of events, its own type forgotten. */
    private static <V extends Event> KStream<String, Event> stream(StreamsBuilder builder, Topic<String, V> topic) {
        return builder.stream(topic.name(), Consumed.with(topic.keySerde(), topic.valueSerde())
                        .withName("from-" + topic.name()))
                .filter((key, event) -> event != null, Named.as("readable-" + topic.name()))
                .mapValues(event -> (Event) event, Named.as("any-" + topic.name()));
    }
}
