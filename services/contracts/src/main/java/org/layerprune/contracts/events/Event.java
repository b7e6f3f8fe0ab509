package org.layerprune.contracts.events;

import java.time.Instant;

/**
 * An event of the pipeline, one per schema in {@code schemas/}. Sealed, so that an event cannot be added without the
 * contract tests noticing that it has no schema or topic.
 */
public sealed interface Event permits ExperimentRequested, SimilarityProbed, VariantPruned, HealProgress,
        VariantHealed, VariantEvaluated, StageFailed {

    /** The schema version every event of this code carries: {@code schemaVersion} and the ce_type's suffix. */
    int SCHEMA_VERSION = 1;

    /** Always {@link #SCHEMA_VERSION}; written so that readers of other languages can tell. */
    int schemaVersion();

    /** The experiment the event belongs to. */
    String experimentId();

    /** When the event's content was produced. */
    Instant time();

    /** The Kafka record key: the field {@link EventType#keyField()} names, as DESIGN.md's Events table says. */
    String key();

    /** What kind of event this is: topic, ce_type and schema. */
    EventType<?> type();
}
