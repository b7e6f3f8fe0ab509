package org.layerprune.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The body {@code submit} sends: the server's template, the file over it, the flags over both. The template here is the
 * schema's own valid stories260K example less its id and time, as {@code GET /experiments/template} serves one.
 */
class SubmitBodyTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path EXAMPLES = Path.of("../../schemas/examples/experiments.requested");

    @TempDir
    Path tmp;

    @Test
    void overlaysObjectsFieldByFieldAndReplacesListsWhole() throws IOException {
        ObjectNode base = (ObjectNode) JSON.readTree("{\"heal\": {\"steps\": 100, \"rank\": 8}, \"blockSizes\": [1, 2,"
                + " 3], \"metric\": \"angular-last-token\"}");
        JsonNode over = JSON.readTree("{\"heal\": {\"steps\": 5}, \"blockSizes\": [4]}");

        ObjectNode merged = RequestBody.overlay(base, over);

        assertEquals(JSON.readTree("{\"heal\": {\"steps\": 5, \"rank\": 8}, \"blockSizes\": [4],"
                + " \"metric\": \"angular-last-token\"}"), merged);
        assertEquals(100, base.path("heal").path("steps").asInt(), "the template is left as it was");
    }

    @Test
    void layersTheFileOverTheTemplateAndTheFlagsOverBoth() throws IOException {
        Path file = Files.writeString(tmp.resolve("small.json"), "{\"blockSizes\": [1], \"heal\": {\"steps\": 4,"
                + " \"rank\": 2}, \"experimentId\": \"from-file\"}");

        ObjectNode body = body(template(), "--file", file.toString(), "--id", "from-flag", "--steps", "6",
                "--model", "hf:Qwen/Qwen2-0.5B@main", "--quant", "none", "--targets", "q_proj,v_proj", "--lr", "0.001",
                "--block-sizes", "1,3", "--eval-data", "data/other/eval.jsonl");

        assertEquals("from-flag", body.path("experimentId").asText(), "a flag beats the file");
        assertEquals(6, body.path("heal").path("steps").asInt(), "a flag beats the file");
        assertEquals(2, body.path("heal").path("rank").asInt(), "the file beats the template");
        assertEquals(0.05, body.path("heal").path("dropout").asDouble(), "the template fills the rest");
        assertEquals(JSON.readTree("{\"kind\": \"huggingface\", \"repoId\": \"Qwen/Qwen2-0.5B\", \"revision\":"
                + " \"main\"}"), body.path("model"), "the artifact ref of the template is replaced, not merged");
        assertEquals("none", body.path("heal").path("quant").asText());
        assertEquals(JSON.readTree("[\"q_proj\", \"v_proj\"]"), body.path("heal").path("targets"));
        assertEquals(0.001, body.path("heal").path("learningRate").asDouble());
        assertEquals(JSON.readTree("[1, 3]"), body.path("blockSizes"));
        assertEquals("data/other/eval.jsonl", body.path("heal").path("evalData").asText());
        assertEquals("data/other/eval.jsonl", body.path("evalTasks").get(0).path("data").asText(),
                "--eval-data is the loss task's data too");
        assertEquals(64, body.path("evalTasks").get(0).path("limit").asInt(), "the loss task keeps its limit");
    }

    @Test
    void leavesOutWhatTheFileSetsToNull() throws IOException {
        // a view's request as GET /experiments/{id} serves it: absent optional settings written as null
        ObjectNode base = (ObjectNode) JSON.readTree("{\"evalTasks\": [{\"task\": \"loss\", \"limit\": 64}],"
                + " \"heal\": {\"steps\": 100}}");
        JsonNode over = JSON.readTree("{\"evalTasks\": [{\"task\": \"loss\", \"data\": \"eval.jsonl\","
                + " \"fewshotData\": null, \"shots\": null, \"limit\": null}], \"heal\": {\"steps\": null}}");

        assertEquals(JSON.readTree("{\"evalTasks\": [{\"task\": \"loss\", \"data\": \"eval.jsonl\"}],"
                + " \"heal\": {}}"), RequestBody.overlay(base, over));
    }

    @Test
    void namesAnArtifactModelByItsRef() {
        assertEquals("{\"kind\":\"artifact\",\"ref\":\"models/stories260K\"}",
                RequestBody.model("models/stories260K").toString());
        assertEquals("{\"kind\":\"huggingface\",\"repoId\":\"meta-llama/Llama-2-7b-hf\"}",
                RequestBody.model("hf:meta-llama/Llama-2-7b-hf").toString());
    }

    @Test
    void choosesTasksKeepingTheSettingsOfThoseAlreadyThere() throws IOException {
        ObjectNode body = body(template(), "--tasks", "boolq,loss", "--boolq-data", "data/boolq/validation.jsonl",
                "--eval-limit", "32");

        assertEquals(JSON.readTree("[{\"task\": \"boolq\", \"data\": \"data/boolq/validation.jsonl\"},"
                + " {\"task\": \"loss\", \"data\": \"data/stories260K/eval.jsonl\", \"limit\": 32}]"),
                body.path("evalTasks"));
    }

    @Test
    void sendsAllBlockSizesAsTheWordAll() throws IOException {
        assertEquals("all", body(template(), "--block-sizes", "all").path("blockSizes").asText());
    }

    @Test
    void rejectsBlockSizesThatAreNotNumbers() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> body(template(), "--block-sizes", "1,two"));
        assertTrue(e.getMessage().contains("--block-sizes") && e.getMessage().contains("1,two"), e.getMessage());
    }

    @Test
    void withoutATemplateAFileWithEverySettingIsSentAsItIs() throws IOException {
        Path file = EXAMPLES.resolve("valid-stories260k.json");

        ObjectNode body = body(null, "--file", file.toString());

        assertEquals(JSON.readTree(Files.readString(file)), body);
    }

    @Test
    void withoutATemplateNamesEverySettingTheFileLacks() throws IOException {
        Path file = Files.writeString(tmp.resolve("partial.json"), "{\"blockSizes\": [1], \"heal\": {\"steps\": 4}}");

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> body(null, "--file", file.toString(), "--model", "models/stories260K"));

        assertTrue(e.getMessage().contains("no template"), e.getMessage());
        assertTrue(e.getMessage().endsWith("missing: calibration, metric, strategy, evalTasks"), e.getMessage());
    }

    @Test
    void namesAFileThatIsNotJson() throws IOException {
        Path file = Files.writeString(tmp.resolve("broken.json"), "{\"blockSizes\": [1],");

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> body(template(), "--file", file.toString()));

        assertTrue(e.getMessage().startsWith("--file: " + file + " is not JSON"), e.getMessage());
    }

    /** The schema's valid stories260K request without experimentId and time: a template. */
    private static ObjectNode template() throws IOException {
        ObjectNode template = (ObjectNode) JSON.readTree(Files.readString(EXAMPLES.resolve("valid-stories260k.json")));
        template.remove("experimentId");
        template.remove("time");
        return template;
    }

    private static ObjectNode body(ObjectNode template, String... args) throws IOException {
        SubmitCommand submit = new SubmitCommand();
        new CommandLine(submit).parseArgs(args);
        ObjectNode body = submit.body(template);
        assertFalse(body.has("time") && template != null, "the template has no time");
        return body;
    }
}
