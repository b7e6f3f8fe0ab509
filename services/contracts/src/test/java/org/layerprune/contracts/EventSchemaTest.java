package org.layerprune.contracts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.layerprune.contracts.events.Event;
import org.layerprune.contracts.events.EventType;
import org.layerprune.contracts.kafka.EventDeserializer;
import org.layerprune.contracts.kafka.EventJson;
import org.layerprune.contracts.kafka.EventSerializer;
import org.layerprune.contracts.kafka.Topics;

/** The Java events and the schemas agree: what Java writes validates, and what the schemas accept Java reads. */
class EventSchemaTest {

    /** JSON equality with numbers compared by value: 0 and 0.0, int and long are the same number. */
    private static final Comparator<JsonNode> SAME_VALUE = (a, b) -> a.isNumber() && b.isNumber()
            ? a.decimalValue().compareTo(b.decimalValue())
            : a.equals(b) ? 0 : 1;

    static Stream<Event> samples() {
        return SampleEvents.all().stream();
    }

    static Stream<Arguments> validExamples() {
        return examples("valid-");
    }

    static Stream<Arguments> invalidExamples() {
        return examples("invalid-");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("samples")
    void everyJavaEventValidatesAgainstItsSchemaAndReadsBackEqual(Event event) throws Exception {
        byte[] bytes = new EventSerializer<>().serialize(event.type().name(), event);
        String json = new String(bytes, StandardCharsets.UTF_8);

        assertEquals(List.of(), ContractSchemas.violations(event.type(), json), json);
        assertEquals(event, new EventDeserializer<>(event.type()).deserialize(event.type().name(), bytes));
    }

    @Test
    void samplesCoverEveryEventType() {
        assertEquals(Topics.EVENT_TYPES.stream().map(EventType::name).sorted().toList(),
                samples().map(e -> e.type().name()).distinct().sorted().toList());
    }

    @ParameterizedTest(name = "{0}/{1}")
    @MethodSource("validExamples")
    void everyValidExampleValidatesAndReadsIntoItsRecord(String name, Path file) throws Exception {
        EventType<?> type = Topics.eventType(name);
        String json = ContractSchemas.read(file);

        assertEquals(List.of(), ContractSchemas.violations(type, json));
        Event event = new EventDeserializer<>(type).deserialize(name, json.getBytes(StandardCharsets.UTF_8));
        assertEquals(type.javaType(), event.getClass());
        JsonNode document = EventJson.mapper().readTree(json);
        assertEquals(document.get(type.keyField()).asText(), event.key(), "the key is the " + type.keyField());
        JsonNode written = EventJson.mapper().valueToTree(event);
        assertTrue(document.equals(SAME_VALUE, written), "the record writes the example back: " + written);
    }

    @ParameterizedTest(name = "{0}/{1}")
    @MethodSource("invalidExamples")
    void everyInvalidExampleIsRejectedByItsSchema(String name, Path file) {
        assertFalse(ContractSchemas.violations(Topics.eventType(name), ContractSchemas.read(file)).isEmpty(),
                file + " should break its schema");
    }

    @Test
    void everyEventHasTwoValidAndThreeInvalidExamples() {
        for (EventType<?> type : Topics.EVENT_TYPES) {
            assertTrue(ContractSchemas.examples(type, "valid-").size() >= 2, type.name() + " valid examples");
            assertTrue(ContractSchemas.examples(type, "invalid-").size() >= 3, type.name() + " invalid examples");
        }
    }

    private static Stream<Arguments> examples(String prefix) {
        return Topics.EVENT_TYPES.stream().flatMap(type -> ContractSchemas.examples(type, prefix).stream()
                .map(file -> Arguments.of(type.name(), file)));
    }
}
