package org.layerprune.contracts.kafka;

import java.util.List;
import java.util.regex.Pattern;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.layerprune.contracts.events.Event;
import org.layerprune.contracts.events.EventType;
import org.layerprune.contracts.events.ExperimentRequested;
import org.layerprune.contracts.events.HealProgress;
import org.layerprune.contracts.events.SimilarityProbed;
import org.layerprune.contracts.events.StageFailed;
import org.layerprune.contracts.events.VariantEvaluated;
import org.layerprune.contracts.events.VariantHealed;
import org.layerprune.contracts.events.VariantPruned;

/**
 * Every topic of the pipeline. Each event type has its own topic, named as the event; keys are strings, the
 * experiment or variant id that {@link Event#key()} gives, so that one experiment's (or one variant's) events stay in
 * order on one partition. Unreadable records go to a per-service dead-letter topic as raw bytes.
 */
public final class Topics {

    /** Every event type, in pipeline order. */
    public static final List<EventType<?>> EVENT_TYPES = List.of(ExperimentRequested.TYPE, SimilarityProbed.TYPE,
            VariantPruned.TYPE, HealProgress.TYPE, VariantHealed.TYPE, VariantEvaluated.TYPE, StageFailed.TYPE);

    /** Key experimentId: asks for an experiment. */
    public static final Topic<String, ExperimentRequested> EXPERIMENTS_REQUESTED = of(ExperimentRequested.TYPE);

    /** Key experimentId: the distance matrix and l*(n). */
    public static final Topic<String, SimilarityProbed> SIMILARITY_PROBED = of(SimilarityProbed.TYPE);

    /** Key variantId: one pruned checkpoint per block size, and the baseline. */
    public static final Topic<String, VariantPruned> VARIANTS_PRUNED = of(VariantPruned.TYPE);

    /** Key variantId (the healed variant): training progress. */
    public static final Topic<String, HealProgress> HEAL_PROGRESS = of(HealProgress.TYPE);

    /** Key variantId: healed checkpoints. */
    public static final Topic<String, VariantHealed> VARIANTS_HEALED = of(VariantHealed.TYPE);

    /** Key variantId: scores. */
    public static final Topic<String, VariantEvaluated> VARIANTS_EVALUATED = of(VariantEvaluated.TYPE);

    /** Key experimentId: a stage's failure on a readable event. */
    public static final Topic<String, StageFailed> STAGE_FAILED = of(StageFailed.TYPE);

    /** Every event topic, in pipeline order. */
    public static final List<Topic<String, ? extends Event>> EVENT_TOPICS = List.of(EXPERIMENTS_REQUESTED,
            SIMILARITY_PROBED, VARIANTS_PRUNED, HEAL_PROGRESS, VARIANTS_HEALED, VARIANTS_EVALUATED, STAGE_FAILED);

    /** The suffix of dead-letter topics. */
    public static final String DEAD_LETTER_SUFFIX = ".dlq";

    private static final Pattern SERVICE = Pattern.compile("[a-z][a-z0-9-]*");

    private Topics() {
    }

    /**
     * The dead-letter topic of {@code service} (e.g. {@code prune-service.dlq}): the records it could not read, as
     * they came, with the reason in their headers.
     *
     * @throws IllegalArgumentException when {@code service} is not a lower-case name
     */
    public static Topic<byte[], byte[]> deadLetter(String service) {
        if (service == null || !SERVICE.matcher(service).matches()) {
            throw new IllegalArgumentException("service name \"" + service + "\" is not lower-case letters, digits"
                    + " and hyphens");
        }
        return new Topic<>(service + DEAD_LETTER_SUFFIX, Serdes.ByteArray(), Serdes.ByteArray());
    }

    /**
     * The event type called {@code name}, e.g. {@code variants.pruned}.
     *
     * @throws IllegalArgumentException naming the known types
     */
    public static EventType<?> eventType(String name) {
        return EVENT_TYPES.stream().filter(type -> type.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown event type \"" + name + "\"; known: "
                        + EVENT_TYPES.stream().map(EventType::name).toList()));
    }

    private static <V extends Event> Topic<String, V> of(EventType<V> type) {
        Serde<V> values = Serdes.serdeFrom(new EventSerializer<>(), new EventDeserializer<>(type));
        return new Topic<>(type.name(), Serdes.String(), values);
    }
}
