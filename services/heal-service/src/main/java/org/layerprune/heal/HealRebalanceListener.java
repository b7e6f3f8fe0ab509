package org.layerprune.heal;

import io.smallrye.common.annotation.Identifier;
import io.smallrye.reactive.messaging.kafka.KafkaConsumerRebalanceListener;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Collection;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.TopicPartition;

/**
 * Hands a variant over when the group moves its partition to another worker: the heals of revoked (or lost)
 * partitions are cancelled and checkpointed before this returns, so that the new owner, which gets the partition only
 * once every member has returned from this callback, resumes from that checkpoint rather than healing the variant at
 * the same time. Called on the consumer's polling thread, within the rebalance's time limit.
 */
@ApplicationScoped
@Identifier(HealRebalanceListener.NAME)
public class HealRebalanceListener implements KafkaConsumerRebalanceListener {

    /** Named by the channel's {@code consumer-rebalance-listener.name}. */
    public static final String NAME = "heal-service.rebalance";

    private final InFlightHeals inFlight;

    HealRebalanceListener(InFlightHeals inFlight) {
        this.inFlight = inFlight;
    }

    @Override
    public void onPartitionsAssigned(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        inFlight.assigned(partitions);
    }

    @Override
    public void onPartitionsRevoked(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        inFlight.revoked(partitions);
    }

    @Override
    public void onPartitionsLost(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        inFlight.revoked(partitions);
    }
}
