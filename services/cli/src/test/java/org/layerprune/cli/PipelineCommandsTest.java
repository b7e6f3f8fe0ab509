package org.layerprune.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The pipeline commands against a stub control service that serves saved documents: each reads the resource of its
 * experiment and prints it as served with --json, else as text. (The real service: services/all-in-one's
 * CliAgainstAllInOneIT.)
 */
class PipelineCommandsTest {

    private static final String ID = "run-stories260k-4207a2aa";

    private static final JsonNode VIEW = ControlDocuments.read("view-default-done");
    private static final JsonNode CURVE = ControlDocuments.read("curve-default-done");
    private StubControlService control;

    @TempDir
    Path tmp;

    @BeforeEach
    void serveTheDefaultRun() throws IOException {
        control = new StubControlService()
                .answer("GET", "/experiments/" + ID, 200, VIEW.toString())
                .answer("GET", "/experiments/" + ID + "/curve", 200, CURVE.toString());
    }

    @AfterEach
    void stop() {
        control.close();
    }

    /** status and curve: the command, the document it reads, that document as text. */
    static Stream<Arguments> documentCommands() {
        return Stream.of(arguments("status", VIEW, StatusReport.render(VIEW)),
                arguments("curve", CURVE, CurveReport.render(CURVE)));
    }

    @ParameterizedTest
    @MethodSource("documentCommands")
    void printsTheDocumentAsServedWithJson(String command, JsonNode document, String text) {
        Cli.Result result = Cli.run(command, ID, "--json", "--url", control.url());

        assertEquals(0, result.exitCode(), result::toString);
        assertEquals(document, result.json());
    }

    @ParameterizedTest
    @MethodSource("documentCommands")
    void printsTheDocumentAsTextWithoutJson(String command, JsonNode document, String text) {
        Cli.Result result = Cli.run(command, ID, "--url", control.url());

        assertEquals(0, result.exitCode(), result::toString);
        assertEquals(text, result.out());
    }

    @Test
    void namesTheServicesAnswerForAnExperimentItDoesNotKnow() {
        Cli.Result result = Cli.run("curve", "exp-unknown", "--url", control.url());

        assertEquals(Layerprune.FAILED, result.exitCode(), result::toString);
        assertEquals("", result.out());
        assertTrue(result.err().startsWith("layerprune curve: GET " + control.url()
                + "/experiments/exp-unknown/curve answered 404: no experiment here"), result.err());
    }

    @Test
    void watchPrintsTheFinalViewWithJsonOnceTheExperimentIsDone() {
        Cli.Result result = Cli.run("watch", ID, "--json", "--url", control.url());

        assertEquals(0, result.exitCode(), result::toString);
        assertEquals(VIEW, result.json());
        assertTrue(result.err().contains("experiment " + ID + ": done"), "progress goes to stderr: " + result.err());
    }

    @Test
    void watchEndsWithTheExperimentsStateWithoutJson() {
        Cli.Result result = Cli.run("watch", ID, "--url", control.url());

        assertEquals(0, result.exitCode(), result::toString);
        assertTrue(result.out().endsWith("experiment " + ID + " done" + System.lineSeparator()), result.out());
    }

    @Test
    void submitPrintsTheIdTheServiceGaveWithoutJsonAndItsAnswerWithJson() {
        String accepted = "{\"experimentId\":\"exp-9\",\"state\":\"requested\"}";
        control.answer("GET", "/experiments/template", 200, "{\"blockSizes\": \"all\"}")
                .answer("POST", "/experiments", 202, accepted);

        Cli.Result text = Cli.run("submit", "--block-sizes", "1", "--steps", "6", "--url", control.url());
        Cli.Result json = Cli.run("submit", "--json", "--url", control.url());

        assertEquals(0, text.exitCode(), text::toString);
        assertEquals("exp-9" + System.lineSeparator(), text.out());
        assertTrue(text.err().contains("layerprune watch exp-9"), text.err());
        assertEquals(0, json.exitCode(), json::toString);
        assertEquals(accepted, json.out().strip());
        StubControlService.Request sent = control.requests().stream()
                .filter(request -> request.method().equals("POST")).findFirst().orElseThrow();
        assertEquals("{\"blockSizes\":[1],\"heal\":{\"steps\":6}}", sent.body(), "the flags over the template");
    }

    @Test
    void heatmapSavesTheServedFileAndSaysWhatItSaved() throws IOException {
        String svg = "<svg xmlns=\"http://www.w3.org/2000/svg\"/>";
        control.answer("GET", "/experiments/" + ID + "/heatmap", 200, svg);
        Path out = tmp.resolve("maps/heatmap.svg");

        Cli.Result json = Cli.run("heatmap", ID, "--out", out.toString(), "--json", "--url", control.url());
        Cli.Result text = Cli.run("heatmap", ID, "--out", out.toString(), "--url", control.url());

        assertEquals(0, json.exitCode(), json::toString);
        assertEquals(svg, Files.readString(out));
        assertEquals(out.toString(), json.json().path("file").asText());
        assertEquals("svg", json.json().path("format").asText());
        assertEquals(svg.length(), json.json().path("bytes").asInt());
        assertEquals(out + ": the SVG heat map of " + ID + ", " + svg.length() + " bytes" + System.lineSeparator(),
                text.out());
    }
}
