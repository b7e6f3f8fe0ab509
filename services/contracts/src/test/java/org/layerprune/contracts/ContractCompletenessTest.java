package org.layerprune.contracts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.layerprune.contracts.events.ErrorCode;
import org.layerprune.contracts.events.EvalTaskName;
import org.layerprune.contracts.events.Event;
import org.layerprune.contracts.events.EventType;
import org.layerprune.contracts.events.LoraTarget;
import org.layerprune.contracts.events.PipelineStage;
import org.layerprune.contracts.events.ProbeMetric;
import org.layerprune.contracts.events.PruneStrategy;
import org.layerprune.contracts.events.Quantization;
import org.layerprune.contracts.events.ScoreMetric;
import org.layerprune.contracts.events.VariantStage;
import org.layerprune.contracts.kafka.EventJson;
import org.layerprune.contracts.kafka.Topic;
import org.layerprune.contracts.kafka.Topics;

/**
 * Schemas, Java event types and topics correspond one to one, and the vocabularies (enums) of Java and the schemas are
 * the same; adding an event or a value on one side only fails here.
 */
class ContractCompletenessTest {

    @Test
    void everySchemaHasAnEventTypeAndEveryEventTypeASchema() {
        assertEquals(ContractSchemas.eventNames(), names(Topics.EVENT_TYPES));
    }

    @Test
    void everyEventRecordIsARegisteredEventType() {
        Set<String> permitted = new TreeSet<>();
        Arrays.stream(Event.class.getPermittedSubclasses()).forEach(c -> permitted.add(c.getName()));
        Set<String> registered = new TreeSet<>();
        Topics.EVENT_TYPES.forEach(type -> registered.add(type.javaType().getName()));
        assertEquals(permitted, registered);
    }

    @Test
    void everyEventTypeHasOneTopicConstantNamedAfterIt() throws IllegalAccessException {
        List<String> constants = new ArrayList<>();
        for (Field field : Topics.class.getFields()) {
            if (Modifier.isStatic(field.getModifiers()) && field.getType() == Topic.class) {
                constants.add(((Topic<?, ?>) field.get(null)).name());
            }
        }
        assertEquals(names(Topics.EVENT_TYPES), constants.stream().sorted().toList());
        assertEquals(names(Topics.EVENT_TYPES), Topics.EVENT_TOPICS.stream().map(Topic::name).sorted().toList());
    }

    @Test
    void schemaIdsTitlesAndKeysMatchTheEventTypes() {
        for (EventType<?> type : Topics.EVENT_TYPES) {
            JsonNode schema = schema(type.name());
            assertEquals(type.schemaId(), schema.get("$id").asText(), type.name());
            assertEquals(type.javaType().getSimpleName() + " v" + Event.SCHEMA_VERSION, schema.get("title").asText());
            assertTrue(required(schema).contains(type.keyField()), type.name() + " requires its key");
            assertTrue(required(schema).containsAll(List.of("schemaVersion", "experimentId", "time")), type.name());
            assertEquals(recordComponents(type), new TreeSet<>(fieldNames(schema.get("properties"))), type.name());
        }
    }

    @Test
    void ceTypesAreDistinctAndVersioned() {
        List<String> ceTypes = Topics.EVENT_TYPES.stream().map(EventType::ceType).toList();
        assertEquals(ceTypes.size(), new TreeSet<>(ceTypes).size());
        assertEquals("org.layerprune.variants.pruned.v1", Topics.eventType("variants.pruned").ceType());
    }

    @Test
    void javaEnumsNameTheValuesTheSchemasAllow() {
        JsonNode defs = schema(ContractSchemas.COMMON).get("$defs");
        assertEquals(wireNames(ProbeMetric.values()), texts(defs.get("metric").get("enum")));
        assertEquals(wireNames(PruneStrategy.values()), texts(defs.get("strategy").get("enum")));
        JsonNode heal = defs.get("heal").get("properties");
        assertEquals(wireNames(Quantization.values()), texts(heal.get("quant").get("enum")));
        assertEquals(wireNames(LoraTarget.values()), texts(heal.get("targets").get("items").get("enum")));
        assertEquals(wireNames(EvalTaskName.values()), texts(defs.get("evalTask").get("properties").get("task")
                .get("enum")));
        JsonNode evaluated = schema("variants.evaluated").get("properties");
        assertEquals(wireNames(VariantStage.values()), texts(evaluated.get("stage").get("enum")));
        JsonNode score = evaluated.get("results").get("items").get("properties");
        assertEquals(wireNames(ScoreMetric.values()), texts(score.get("metric").get("enum")));
        assertEquals(wireNames(EvalTaskName.values()), texts(score.get("task").get("enum")));
        JsonNode failed = schema("stage.failed").get("properties");
        assertEquals(wireNames(PipelineStage.values()), texts(failed.get("stage").get("enum")));
        assertEquals(wireNames(ErrorCode.values()), texts(failed.get("code").get("enum")));
    }

    private static JsonNode schema(String name) {
        try {
            return EventJson.mapper().readTree(ContractSchemas.read(ContractSchemas.dir().resolve(name)
                    .resolve("v1.json")));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new AssertionError(name + " schema is not JSON", e);
        }
    }

    private static List<String> names(List<EventType<?>> types) {
        return types.stream().map(EventType::name).sorted().toList();
    }

    private static List<String> required(JsonNode schema) {
        return texts(schema.get("required"));
    }

    private static Set<String> recordComponents(EventType<?> type) {
        Set<String> names = new TreeSet<>();
        Arrays.stream(type.javaType().getRecordComponents()).forEach(c -> names.add(c.getName()));
        return names;
    }

    private static List<String> fieldNames(JsonNode object) {
        List<String> names = new ArrayList<>();
        object.fieldNames().forEachRemaining(names::add);
        return names;
    }

    private static List<String> texts(JsonNode array) {
        List<String> texts = new ArrayList<>();
        array.forEach(node -> texts.add(node.asText()));
        return texts;
    }

    /** The names the mapper writes for {@code values}, in declaration order. */
    private static List<String> wireNames(Enum<?>[] values) {
        return Arrays.stream(values).map(v -> EventJson.mapper().convertValue(v, String.class)).toList();
    }
}
