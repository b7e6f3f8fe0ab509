package org.layerprune.control.rest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.layerprune.contracts.events.ExperimentRequested;
import org.layerprune.control.ControlTestClient;
import org.layerprune.control.ControlTopics;
import org.layerprune.testkit.KafkaBrokerResource;

/**
 * What the dashboard needs from the service: its pages and modules served, the template the form starts from, and
 * the artifacts it links to, read-only and never from outside the artifact root. The pages themselves run in a
 * browser in the all-in-one's DashboardBrowserIT.
 */
@QuarkusTest
@WithTestResource(value = KafkaBrokerResource.class, initArgs = @ResourceArg(name = KafkaBrokerResource.TOPICS,
        value = ControlTopics.ALL))
class DashboardTest {

    private static final Pattern MODULE = Pattern.compile("(?:src=\"|from ')(\\.{0,2}/?[\\w./-]+\\.js)");

    @TestHTTPResource("/")
    URI root;

    @ConfigProperty(name = "layerprune.artifact-root")
    Path artifactRoot;

    private ControlTestClient api;

    @BeforeEach
    void connect() {
        api = new ControlTestClient(root);
    }

    @Test
    void servesTheListAtTheRootAndEveryModuleThePagesImport() {
        HttpResponse<byte[]> index = api.get("/");
        assertEquals(200, index.statusCode());
        String html = new String(index.body(), StandardCharsets.UTF_8);
        assertTrue(html.contains("id=\"submit-form\"") && html.contains("id=\"experiments\""), html);
        HttpResponse<byte[]> experiment = api.get("/experiment.html");
        assertEquals(200, experiment.statusCode());
        assertTrue(new String(experiment.body(), StandardCharsets.UTF_8).contains("id=\"heatmap-box\""));

        // every module reachable from the two pages, followed through their imports
        List<String> pending = new ArrayList<>(List.of("dashboard/index.js", "dashboard/experiment.js"));
        List<String> seen = new ArrayList<>();
        while (!pending.isEmpty()) {
            String module = pending.remove(0);
            if (seen.contains(module)) {
                continue;
            }
            seen.add(module);
            HttpResponse<byte[]> js = api.get("/" + module);
            assertEquals(200, js.statusCode(), module);
            assertTrue(js.headers().firstValue("Content-Type").orElse("").contains("javascript"),
                    module + " is served as " + js.headers().firstValue("Content-Type"));
            Matcher imports = MODULE.matcher(new String(js.body(), StandardCharsets.UTF_8));
            while (imports.find()) {
                pending.add(URI.create(module).resolve(imports.group(1)).toString());
            }
        }
        assertTrue(seen.containsAll(List.of("dashboard/api.js", "dashboard/heatmap.js", "dashboard/curves.js",
                "dashboard/form.js")), seen.toString());
        assertEquals(200, api.get("/dashboard/style.css").statusCode());
    }

    @Test
    void servesATemplateThatIsAValidRequestOnceAnIdAndTimeAreAdded() {
        JsonNode template = api.json("/experiments/template");
        assertFalse(template.has("experimentId"), template.toString());
        assertFalse(template.has("time"), template.toString());
        // the paper's healing recipe
        assertEquals(64, template.path("heal").path("rank").asInt());
        assertEquals(3e-4, template.path("heal").path("learningRate").asDouble(), 1e-12);
        assertEquals("angular-last-token", template.path("metric").asText());

        // the server's own reading of a POST body: the schema check, then the contract's record
        ExperimentRequested request = RequestValidation.read(template.toString());
        assertEquals(5000, request.heal().steps());
        assertTrue(request.experimentId().startsWith("exp-"), request.experimentId());
    }

    @Test
    void servesAnArtifactFileAndListsADirectory() throws IOException {
        Path dir = Files.createDirectories(artifactRoot.resolve("experiments/dash-test/variants/v-n1-pruned/checkpoint"));
        Files.writeString(dir.resolve("mergekit.yaml"), "merge_method: passthrough\n");
        Files.write(dir.resolve("model.safetensors"), new byte[] {1, 2, 3});

        HttpResponse<byte[]> yaml = api.get("/artifacts/experiments/dash-test/variants/v-n1-pruned/checkpoint/"
                + "mergekit.yaml");
        assertEquals(200, yaml.statusCode());
        assertEquals("merge_method: passthrough\n", new String(yaml.body(), StandardCharsets.UTF_8));
        assertTrue(yaml.headers().firstValue("Content-Type").orElse("").startsWith("text/plain"));

        HttpResponse<byte[]> weights = api.get("/artifacts/experiments/dash-test/variants/v-n1-pruned/checkpoint/"
                + "model.safetensors");
        assertEquals(200, weights.statusCode());
        assertEquals(3, weights.body().length);
        assertTrue(weights.headers().firstValue("Content-Disposition").orElse("").startsWith("attachment"));

        JsonNode listing = api.json("/artifacts/experiments/dash-test/variants/v-n1-pruned/checkpoint");
        assertEquals("experiments/dash-test/variants/v-n1-pruned/checkpoint", listing.path("ref").asText());
        assertEquals(List.of("mergekit.yaml", "model.safetensors"), names(listing));
        assertEquals(3, listing.path("entries").get(1).path("size").asLong());
    }

    @Test
    void refusesRefsThatLeaveTheRootOrAreNotRefs() throws IOException {
        Path outside = Files.createTempDirectory("outside-artifact-root");
        Files.writeString(outside.resolve("secret.txt"), "not yours");
        Path link = Files.createDirectories(artifactRoot.resolve("links")).resolve("out");
        Files.deleteIfExists(link);
        Files.createSymbolicLink(link, outside);

        HttpResponse<byte[]> through = api.get("/artifacts/links/out/secret.txt");
        assertEquals(403, through.statusCode(), new String(through.body(), StandardCharsets.UTF_8));
        assertFalse(new String(through.body(), StandardCharsets.UTF_8).contains("not yours"));
        assertEquals(403, api.get("/artifacts/links/out").statusCode());
        // '..', even escaped, never climbs out of the root (the server normalises the path before it routes it)
        Path beside = artifactRoot.toAbsolutePath().resolveSibling("beside-artifact-root.txt");
        Files.writeString(beside, "not yours either");
        HttpResponse<byte[]> climbing = api.get("/artifacts/%2E%2E/beside-artifact-root.txt");
        assertEquals(404, climbing.statusCode());
        assertFalse(new String(climbing.body(), StandardCharsets.UTF_8).contains("not yours"));
        // a segment a ref may not have
        assertEquals(400, api.get("/artifacts/experiments/a%20b").statusCode());
        assertEquals(404, api.get("/artifacts/experiments/none-such").statusCode());
    }

    private static List<String> names(JsonNode listing) {
        List<String> names = new ArrayList<>();
        listing.path("entries").forEach(e -> names.add(e.path("name").asText()));
        return names;
    }
}
