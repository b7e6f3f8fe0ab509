package org.layerprune.allinone;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.layerprune.contracts.events.ExperimentRequested;
import org.layerprune.contracts.kafka.EventJson;

/** The all-in-one's template is its own default experiment, without the id and time a submission gets. */
class DefaultExperimentTemplateTest {

    @TempDir
    Path root;

    @Test
    void servesTheRunsOwnExperimentWithoutIdAndTime() {
        assumeTrue(RunOptions.shared().isPresent(), "no shared fixtures (../shared); set LAYERPRUNE_SHARED");
        DefaultExperimentTemplate template = new DefaultExperimentTemplate(new String[] {"--steps", "7"}, root);

        ExperimentRequested request = template.experiment().request();
        assertSame(request, template.experiment().request(), "made once: the run and the form ask for the same");

        ObjectNode body = template.body();
        assertFalse(body.has("experimentId"), body.toString());
        assertFalse(body.has("time"), body.toString());
        assertEquals(7, body.path("heal").path("steps").asInt());
        assertEquals("models/stories260K", body.path("model").path("ref").asText());
        assertEquals("data/stories260K/calib.jsonl", body.path("calibration").path("data").asText());

        // with the id and time put back, it is the request the run submits
        ObjectNode whole = EventJson.mapper().valueToTree(request);
        body.set("experimentId", whole.get("experimentId"));
        body.set("time", whole.get("time"));
        assertEquals(whole, body);
    }
}
