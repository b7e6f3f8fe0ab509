package org.layerprune.contracts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.layerprune.contracts.events.Event;
import org.layerprune.contracts.events.EventType;
import org.layerprune.contracts.events.ExperimentRequested;
import org.layerprune.contracts.events.SimilarityProbed;
import org.layerprune.contracts.events.VariantPruned;
import org.layerprune.contracts.kafka.EventDeserializer;
import org.layerprune.contracts.kafka.EventJson;
import org.layerprune.contracts.kafka.EventReadException;
import org.layerprune.contracts.kafka.Topics;

/** Unreadable records fail with an error naming the topic, the event type and the field, for the dead-letter reason. */
class EventDeserializerTest {

    @Test
    void malformedJsonNamesTopicAndEventType() {
        EventReadException e = read(VariantPruned.TYPE, "{\"schemaVersion\": 1, \"experimentId\": ");

        assertEquals("variants.pruned", e.topic());
        assertEquals("org.layerprune.variants.pruned.v1", e.ceType());
        assertEquals("", e.field());
        assertTrue(e.getMessage().startsWith("variants.pruned (org.layerprune.variants.pruned.v1): not well-formed"
                + " JSON"), e.getMessage());
    }

    @Test
    void unknownFieldIsNamedByItsPath() {
        ObjectNode json = json(SampleEvents.requested());
        ((ObjectNode) json.get("heal")).put("learning_rate", 3e-4);

        EventReadException e = read(ExperimentRequested.TYPE, json.toString());

        assertEquals("heal.learning_rate", e.field());
        assertTrue(e.getMessage().contains("at heal.learning_rate"), e.getMessage());
    }

    @Test
    void wrongTypeInAListIsNamedWithItsIndex() {
        ObjectNode json = json(SampleEvents.requested());
        ((ArrayNode) json.get("heal").get("targets")).set(1, "mlp");

        assertEquals("heal.targets[1]", read(ExperimentRequested.TYPE, json.toString()).field());
    }

    @Test
    void missingNumberIsNamedInsteadOfReadAsZero() {
        ObjectNode json = json(SampleEvents.requested());
        ((ObjectNode) json.get("heal")).remove("rank");

        assertEquals("heal.rank", read(ExperimentRequested.TYPE, json.toString()).field());
    }

    @Test
    void missingObjectInANestedRecordIsNamedByItsFullPath() {
        ObjectNode json = json(SampleEvents.requested());
        ((ObjectNode) json.get("heal")).remove("evalData");

        EventReadException e = read(ExperimentRequested.TYPE, json.toString());

        assertEquals("heal.evalData", e.field());
        assertTrue(e.getMessage().endsWith("at heal.evalData: is required"), e.getMessage());
    }

    @Test
    void refThatLeavesTheRootIsNamed() {
        ObjectNode json = json(SampleEvents.requested());
        ((ObjectNode) json.get("model")).put("ref", "../outside");

        EventReadException e = read(ExperimentRequested.TYPE, json.toString());

        assertEquals("model.ref", e.field());
        assertTrue(e.getMessage().contains("\"..\""), e.getMessage());
    }

    @Test
    void fractionForAnIntegerIsRefused() {
        ObjectNode json = json(SampleEvents.pruned());
        json.put("parameters", 169152.5);

        assertEquals("parameters", read(VariantPruned.TYPE, json.toString()).field());
    }

    @Test
    void stringForANumberIsRefused() {
        ObjectNode json = json(SampleEvents.probed());
        json.put("layers", "5");

        assertEquals("layers", read(SimilarityProbed.TYPE, json.toString()).field());
    }

    @Test
    void lStarThatIsNotTheMinimumIsNamed() {
        ObjectNode json = json(SampleEvents.probed());
        ((ArrayNode) json.get("lStar")).set(1, 0);

        EventReadException e = read(SimilarityProbed.TYPE, json.toString());

        assertEquals("lStar[1]", e.field());
        assertTrue(e.getMessage().contains("smaller score"), e.getMessage());
    }

    @Test
    void variantIdOfAnotherExperimentIsRefused() {
        ObjectNode json = json(SampleEvents.pruned());
        json.put("variantId", "other-experiment-n2-pruned");

        assertEquals("variantId", read(VariantPruned.TYPE, json.toString()).field());
    }

    @Test
    void laterSchemaVersionIsRefused() {
        ObjectNode json = json(SampleEvents.pruned());
        json.put("schemaVersion", 2);

        EventReadException e = read(VariantPruned.TYPE, json.toString());

        assertEquals("schemaVersion", e.field());
    }

    @Test
    void duplicateKeysAreRefused() {
        String json = json(SampleEvents.pruned()).toString().replaceFirst("\\{", "{\"n\": 3, ");

        assertTrue(read(VariantPruned.TYPE, json).getMessage().contains("Duplicate field 'n'"));
    }

    @Test
    void tombstoneReadsAsNull() {
        assertNull(new EventDeserializer<>(VariantPruned.TYPE).deserialize("variants.pruned", null));
    }

    @Test
    void deserializerBuiltByNameIsConfiguredWithTheEventType() {
        EventDeserializer<VariantPruned> deserializer = new EventDeserializer<>();
        deserializer.configure(Map.of(EventDeserializer.EVENT_TYPE_CONFIG, "variants.pruned"), false);

        assertEquals(SampleEvents.pruned(), deserializer.deserialize("variants.pruned", bytes(SampleEvents.pruned())));
    }

    @Test
    void deserializerBuiltByNameWithoutEventTypeSaysWhatIsMissing() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new EventDeserializer<>().configure(Map.of(), false));

        assertTrue(e.getMessage().contains(EventDeserializer.EVENT_TYPE_CONFIG), e.getMessage());
    }

    @Test
    void topicSerdesRoundTrip() {
        var topic = Topics.VARIANTS_PRUNED;
        VariantPruned event = SampleEvents.pruned();

        byte[] bytes = topic.valueSerde().serializer().serialize(topic.name(), event);

        assertEquals(event, topic.valueSerde().deserializer().deserialize(topic.name(), bytes));
        assertEquals("stories260k-demo-n2-pruned", topic.keySerde().deserializer().deserialize(topic.name(),
                topic.keySerde().serializer().serialize(topic.name(), event.key())));
    }

    @Test
    void deadLetterTopicIsNamedAfterTheService() {
        assertEquals("prune-service.dlq", Topics.deadLetter("prune-service").name());
        assertThrows(IllegalArgumentException.class, () -> Topics.deadLetter("Prune Service"));
    }

    /** The error of reading {@code json} from {@code type}'s topic. */
    private static EventReadException read(EventType<?> type, String json) {
        EventDeserializer<?> deserializer = new EventDeserializer<>(type);
        return assertThrows(EventReadException.class,
                () -> deserializer.deserialize(type.name(), json.getBytes(StandardCharsets.UTF_8)));
    }

    private static ObjectNode json(Event event) {
        return EventJson.mapper().valueToTree(event);
    }

    private static byte[] bytes(Event event) {
        return json(event).toString().getBytes(StandardCharsets.UTF_8);
    }
}
