package org.layerprune.allinone;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.layerprune.allinone.SharedAllInOne.RunningAllInOne;
import org.layerprune.cli.Layerprune;

/**
 * The CLI's pipeline commands ({@code submit}, {@code status}, {@code watch}, {@code curve}, {@code heatmap}), run
 * in-process as {@code main} runs them, against the packaged all-in-one that the ITs share ({@link SharedAllInOne}):
 * they follow the default stories260K experiment to done, agree with what the API serves, submit
 * a one-block experiment with the same refs and watch it to done, and report a refused request, an unknown experiment
 * and a failed one as they should.
 */
@Timeout(value = 15, unit = TimeUnit.MINUTES) // a bound on a hang, not a performance target
@ExtendWith(SharedAllInOne.class)
class CliAgainstAllInOneIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private static String url;
    private static String defaultId;
    private static Path work;

    /** What one command line printed and returned. */
    record Result(int exitCode, String out, String err) {

        JsonNode json() throws IOException {
            return JSON.readTree(out);
        }

        @Override
        public String toString() {
            return "exit " + exitCode + "\n--- stdout\n" + out + "--- stderr\n" + err;
        }
    }

    @BeforeAll
    static void useTheSharedAllInOne(RunningAllInOne app) throws IOException {
        url = app.url();
        defaultId = app.defaultExperiment();
        work = Files.createDirectories(Path.of("target").toAbsolutePath().resolve("cli-it-"
                + UUID.randomUUID().toString().substring(0, 8)));
    }

    @Test
    void followsTheDefaultExperimentAndSubmitsAndWatchesASmallerOne() throws Exception {
        // watch from the moment the id is printed (when no other IT has used the app yet): the POST may not even be on
        // the broker yet
        Result watched = cli("watch", defaultId);
        assertEquals(0, watched.exitCode(), watched::toString);
        assertTrue(watched.out().contains("experiment " + defaultId + " done"), watched.out());
        for (int n = 1; n <= 4; n++) {
            assertTrue(watched.out().contains("n=" + n + "  [####################]  evaluated"),
                    "a full bar for n=" + n + ": " + watched.out());
        }

        JsonNode servedCurve = JSON.readTree(get("/experiments/" + defaultId + "/curve").body());
        Result curve = cli("curve", defaultId, "--json");
        assertEquals(0, curve.exitCode(), curve::toString);
        assertEquals(servedCurve, curve.json(), "curve --json is the API's curve");
        Result table = cli("curve", defaultId);
        for (JsonNode point : servedCurve.path("points")) {
            // n, dropped, l*(n), then the loss pruned and healed, to 4 decimals
            Pattern row = Pattern.compile(String.format(Locale.ROOT, "(?m)^%d +\\S+ +\\S+ +%.4f +%.4f$",
                    point.path("n").asInt(), point.path("pruned").path("loss").path("loss").asDouble(),
                    point.path("healed").path("loss").path("loss").asDouble()));
            assertTrue(row.matcher(table.out()).find(), row + " in\n" + table.out());
        }

        JsonNode view = JSON.readTree(get("/experiments/" + defaultId).body());
        Result status = cli("status", defaultId);
        assertEquals(0, status.exitCode(), status::toString);
        assertTrue(status.out().startsWith("experiment " + defaultId + ": done"), status.out());
        assertTrue(status.out().contains("block sizes 1,2,3,4"), status.out());
        Result statusJson = cli("status", defaultId, "--json");
        assertEquals(view, statusJson.json(), "status --json is the API's view");

        Path svg = work.resolve("heatmap/default.svg");
        Result heatmap = cli("heatmap", defaultId, "--out", svg.toString());
        assertEquals(0, heatmap.exitCode(), heatmap::toString);
        assertArrayEquals(get("/experiments/" + defaultId + "/heatmap").body().getBytes(StandardCharsets.UTF_8),
                Files.readAllBytes(svg));
        Path png = work.resolve("heatmap/default.image");
        Result pngSaved = cli("heatmap", defaultId, "--out", png.toString(), "--format", "png");
        assertEquals(0, pngSaved.exitCode(), pngSaved::toString);
        assertArrayEquals(getBytes("/experiments/" + defaultId + "/heatmap?format=png"), Files.readAllBytes(png));

        // the refs the default experiment used, one block size, a few heal updates
        ObjectNode small = defaultRequest();
        small.set("blockSizes", JSON.readTree("[1]"));
        ((ObjectNode) small.path("heal")).put("steps", 4).put("warmupSteps", 1).put("checkpointEvery", 2);
        small.set("evalTasks", JSON.readTree("[{\"task\": \"loss\", \"data\": \""
                + view.path("request").path("heal").path("evalData").asText() + "\"}]"));
        Path smallFile = Files.writeString(work.resolve("small.json"), small.toPrettyString());
        Result submitted = cli("submit", "--file", smallFile.toString(), "--steps", "6", "--json");
        assertEquals(0, submitted.exitCode(), submitted::toString);
        String smallId = submitted.json().path("experimentId").asText();
        assertTrue(smallId.startsWith("exp-"), "the server assigns the id: " + submitted);
        Result smallWatched = cli("watch", smallId);
        assertEquals(0, smallWatched.exitCode(), smallWatched::toString);
        JsonNode smallView = JSON.readTree(get("/experiments/" + smallId).body());
        assertEquals(6, smallView.path("request").path("heal").path("steps").asInt(), "the flag beats the file");
        assertEquals("[1]", smallView.path("probe").path("blockSizes").toString());
        assertEquals(6, smallView.path("variants").path("1").path("healed").path("steps").asInt(), "healed 6 updates");
        assertTrue(smallWatched.out().contains("n=1  [####################]  evaluated  6/6 loss"),
                smallWatched.out());
    }

    @Test
    void printsEveryFieldTheServerRefuses() throws Exception {
        Path file = Files.writeString(work.resolve("refused.json"), "{\"model\": {\"kind\": \"artifact\", \"ref\":"
                + " \"models/stories260K\"}}");

        Result refused = cli("submit", "--file", file.toString(), "--block-sizes", "0", "--steps", "0", "--quant",
                "nf5", "--strategy", "simple", "--metric", "angular-last-token");

        assertEquals(1, refused.exitCode(), refused::toString);
        assertEquals("", refused.out(), "nothing on stdout when refused");
        if (get("/experiments/template").statusCode() == 404) {
            // a server without the template: the CLI asks for every setting before it sends anything
            assertTrue(refused.err().contains("has no template") && refused.err().endsWith("missing: calibration,"
                    + " evalTasks\n"), refused.err());
        } else {
            for (String field : List.of("blockSizes[0]", "heal.steps", "heal.quant")) {
                assertTrue(refused.err().contains("\n  " + field + ": "), field + " blamed: " + refused.err());
            }
        }

        // a whole body (the default experiment's settings) with the same faults: every one named by the server
        Path wholeFile = Files.writeString(work.resolve("whole.json"), defaultRequest().toString());
        Result wholeRefused = cli("submit", "--file", wholeFile.toString(), "--block-sizes", "0", "--steps", "0",
                "--quant", "nf5");
        assertEquals(1, wholeRefused.exitCode(), wholeRefused::toString);
        assertTrue(wholeRefused.err().startsWith("layerprune submit: POST " + url + "/experiments answered 400: "),
                wholeRefused.err());
        for (String field : List.of("blockSizes[0]", "heal.steps", "heal.quant")) {
            assertTrue(wholeRefused.err().contains("\n  " + field + ": "), field + " blamed: " + wholeRefused.err());
        }
    }

    @Test
    void reportsAnUnknownExperimentAndAFailedOneWithExitOne() throws Exception {
        Result unknown = cli("status", "no-such-experiment");
        assertEquals(1, unknown.exitCode(), unknown::toString);
        assertTrue(unknown.err().contains("GET " + url + "/experiments/no-such-experiment answered 404"),
                unknown.err());

        Path file = Files.writeString(work.resolve("missing-model.json"), defaultRequest().toString());
        Result submitted = cli("submit", "--file", file.toString(), "--model", "models/no-such-model",
                "--block-sizes", "1");
        assertEquals(0, submitted.exitCode(), submitted::toString);
        String id = submitted.out().strip();

        Result watched = cli("watch", id);

        assertEquals(1, watched.exitCode(), watched::toString);
        assertTrue(watched.out().contains("experiment " + id + " failed"), watched.out());
        assertTrue(watched.err().contains("probe failed") && watched.err().contains("models/no-such-model"),
                watched.err());
    }

    /**
     * The default experiment's request less its id and time, once it is done (whichever test runs first waits for it):
     * a whole body with refs that exist under this run's artifact root. As the view serves it, with absent settings as
     * null, which submit leaves out.
     */
    private static ObjectNode defaultRequest() throws IOException {
        Result watched = cli("watch", defaultId, "--json");
        assertEquals(0, watched.exitCode(), watched::toString);
        ObjectNode request = (ObjectNode) watched.json().path("request").deepCopy();
        request.remove("experimentId");
        request.remove("time");
        return request;
    }

    private static Result cli(String... args) {
        List<String> withUrl = new ArrayList<>(List.of(args));
        withUrl.add("--url");
        withUrl.add(url);
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Layerprune.run(new PrintWriter(out, true), new PrintWriter(err, true),
                withUrl.toArray(String[]::new));
        return new Result(code, out.toString(), err.toString());
    }

    private static HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url + path)).timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static byte[] getBytes(String path) throws IOException, InterruptedException {
        HttpResponse<byte[]> answer = HTTP.send(HttpRequest.newBuilder(URI.create(url + path))
                .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, answer.statusCode(), path);
        return answer.body();
    }
}
