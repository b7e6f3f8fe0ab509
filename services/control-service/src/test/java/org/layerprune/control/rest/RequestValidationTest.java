package org.layerprune.control.rest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.layerprune.contracts.events.ExperimentRequested;
import org.layerprune.control.ControlTestClient;
import org.layerprune.control.ExperimentEvents;
import org.layerprune.control.rest.Problem.FieldError;
import org.layerprune.control.rest.RequestValidation.InvalidRequestException;

/** The body of POST /experiments against the contract's schema, without a server. */
class RequestValidationTest {

    private static ObjectNode valid() {
        return (ObjectNode) ControlTestClient.parse(ExperimentEvents.exampleJson(ExperimentRequested.TYPE,
                "valid-stories260k"));
    }

    private static List<String> fields(String body) {
        InvalidRequestException e = assertThrows(InvalidRequestException.class, () -> RequestValidation.read(body));
        e.errors().forEach(error -> assertTrue(!error.message().isBlank(), error.toString()));
        return e.errors().stream().map(FieldError::field).toList();
    }

    @Test
    void readsAValidRequestAndAssignsWhatIsMissing() {
        ObjectNode body = valid();
        body.remove(List.of("experimentId", "time", "schemaVersion"));

        ExperimentRequested request = RequestValidation.read(body.toString());

        assertTrue(request.experimentId().matches("exp-[0-9a-f]{12}"), request.experimentId());
        assertEquals(1, request.schemaVersion());
        assertEquals(List.of(1, 2, 3, 4), request.blockSizes().listed());
    }

    @ParameterizedTest
    @CsvSource({
        "invalid-missing-heal, heal",
        "invalid-unknown-property, ",
        "invalid-wrong-type-block-sizes, blockSizes",
        "invalid-out-of-range-block-size-zero, blockSizes[0]",
        "invalid-unknown-target-module, heal.targets[",
        "invalid-bad-ref-dotdot-calibration, calibration.data",
        "invalid-time-not-utc, time",
        "invalid-schema-version-2, schemaVersion",
        "invalid-unknown-metric, metric",
    })
    void namesTheFieldOfEachInvalidExample(String example, String field) {
        List<String> fields = fields(ExperimentEvents.exampleJson(ExperimentRequested.TYPE, example));

        assertTrue(field == null ? !fields.isEmpty() : fields.stream().anyMatch(f -> f.startsWith(field)),
                example + " names " + fields);
    }

    @Test
    void namesEveryFieldAtFaultAtOnce() {
        ObjectNode body = valid();
        body.remove("strategy");
        body.put("colour", "blue");
        ((ObjectNode) body.get("calibration")).put("samples", 0);

        List<String> fields = fields(body.toString());

        assertTrue(fields.containsAll(List.of("strategy", "colour", "calibration.samples")), fields.toString());
    }

    @Test
    void refusesWhatIsNotAJsonObject() {
        assertEquals(List.of(""), fields("[1, 2]"));
        assertEquals(List.of(""), fields("{\"model\":"));
        assertEquals(List.of(""), fields(""));
    }

    @Test
    void spellsSchemaLocationsAsFieldPaths() {
        assertEquals("heal.targets[1]", RequestValidation.field("$.heal.targets[1]"));
        assertEquals("heal.targets[1]", RequestValidation.field("/heal/targets/1"));
        assertEquals("", RequestValidation.field("$"));
        assertEquals("", RequestValidation.field(""));
    }
}
