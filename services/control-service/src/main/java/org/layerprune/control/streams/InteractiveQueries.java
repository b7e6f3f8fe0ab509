package org.layerprune.control.streams;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.HostInfo;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.apache.kafka.streams.StreamsMetadata;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.layerprune.control.view.ExperimentView;

/**
 * Queries of the view store across instances. Each instance holds the views of the experiments on its partitions;
 * {@link #find} answers from this instance's store when it holds the key, and otherwise names the instance that does
 * ({@code queryMetadataForKey}), as its {@code application.server} (host:port of its REST API) says.
 */
@ApplicationScoped
public class InteractiveQueries {

    /** What a lookup found. */
    public sealed interface Lookup permits Found, Remote, NotFound, Unavailable {
    }

    /** The view, from this instance's store. */
    public record Found(ExperimentView view) implements Lookup {
    }

    /** Another instance holds the key. */
    public record Remote(HostInfo host) implements Lookup {
    }

    /** No instance holds the key: no event of the experiment has been folded. */
    public record NotFound() implements Lookup {
    }

    /** The store cannot be asked now (starting, restoring, rebalancing): ask again. */
    public record Unavailable(String reason) implements Lookup {
    }

    private final KafkaStreams streams;
    private final HostInfo self;

    @Inject
    public InteractiveQueries(KafkaStreams streams,
            @ConfigProperty(name = "quarkus.kafka-streams.application-server") String applicationServer) {
        this.streams = streams;
        this.self = HostInfo.buildFromEndpoint(applicationServer);
    }

    /** This instance, as others reach it. */
    public HostInfo self() {
        return self;
    }

    /** The view of {@code experimentId}: here, or where it is. */
    public Lookup find(String experimentId) {
        try {
            ExperimentView view = store().get(experimentId);
            if (view != null) {
                return new Found(view);
            }
        } catch (InvalidStateStoreException e) {
            // restoring or rebalancing: the metadata may still name another instance
        }
        KeyQueryMetadata metadata;
        try {
            metadata = streams.queryMetadataForKey(TopologyProducer.EXPERIMENTS_STORE, experimentId,
                    Serdes.String().serializer());
        } catch (IllegalStateException e) {
            return new Unavailable("Kafka Streams is not running: " + e.getMessage());
        }
        if (metadata == null || KeyQueryMetadata.NOT_AVAILABLE.equals(metadata)) {
            return new Unavailable("no instance holds the partition of " + experimentId + " now (rebalancing)");
        }
        if (metadata.activeHost().equals(self)) {
            try {
                ExperimentView view = store().get(experimentId); // it may have arrived meanwhile
                return view == null ? new NotFound() : new Found(view);
            } catch (InvalidStateStoreException e) {
                return new Unavailable("the store is not ready: " + e.getMessage());
            }
        }
        return new Remote(metadata.activeHost());
    }

    /**
     * Every view in this instance's store.
     *
     * @throws InvalidStateStoreException while the store is not ready
     */
    public List<ExperimentView> local() {
        List<ExperimentView> views = new ArrayList<>();
        try (KeyValueIterator<String, ExperimentView> all = store().all()) {
            while (all.hasNext()) {
                KeyValue<String, ExperimentView> next = all.next();
                views.add(next.value);
            }
        }
        return views;
    }

    /** The other instances of this application, as their {@code application.server} names them. */
    public List<HostInfo> others() {
        return streams.metadataForAllStreamsClients().stream()
                .map(StreamsMetadata::hostInfo)
                .filter(host -> !host.equals(self))
                .distinct()
                .toList();
    }

    private ReadOnlyKeyValueStore<String, ExperimentView> store() {
        return streams.store(StoreQueryParameters.fromNameAndType(TopologyProducer.EXPERIMENTS_STORE,
                QueryableStoreTypes.keyValueStore()));
    }
}
