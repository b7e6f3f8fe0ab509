package org.layerprune.allinone;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Set;
import org.layerprune.contracts.events.ExperimentRequested;
import org.layerprune.contracts.kafka.EventJson;
import org.layerprune.control.view.ExperimentState;
import org.layerprune.control.view.PruningCurve;

/**
 * The control service's REST API as a user reaches it, over HTTP: the all-in-one submits its experiment through the
 * same door as anyone else ({@code POST /experiments}) and prints the curve the API serves
 * ({@code GET /experiments/{id}/curve}), so the table and the API cannot disagree.
 */
final class ControlClient {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final Duration POLL = Duration.ofMillis(200);
    private static final Set<String> SETTLED = Set.of(ExperimentState.DONE.wireName(),
            ExperimentState.FAILED.wireName());

    private final URI base;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
    private final ObjectMapper json = new ObjectMapper();

    ControlClient(URI base) {
        this.base = base;
    }

    /** Sends {@code request} to {@code POST /experiments}; the id the service accepted it under. */
    String submit(ExperimentRequested request) throws IOException, InterruptedException {
        byte[] body = EventJson.mapper().writeValueAsBytes(request);
        HttpResponse<String> answer = http.send(HttpRequest.newBuilder(base.resolve("/experiments")).timeout(TIMEOUT)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .build(), HttpResponse.BodyHandlers.ofString());
        if (answer.statusCode() != 202) {
            throw new IOException("POST /experiments answered " + answer.statusCode() + ": " + answer.body());
        }
        return json.readTree(answer.body()).path("experimentId").asText();
    }

    /**
     * The curve of {@code experimentId} once its view has settled (done or failed): the view is folded by Kafka Streams
     * from the same events this run watched, a moment later.
     */
    PruningCurve settledCurve(String experimentId, Duration within) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        String state = "";
        while (!SETTLED.contains(state)) {
            if (System.nanoTime() > deadline) {
                throw new IOException("experiment " + experimentId + " still " + state + " in the control service after "
                        + within.toSeconds() + " s");
            }
            Thread.sleep(POLL.toMillis());
            HttpResponse<String> view = get("/experiments/" + experimentId);
            state = view.statusCode() == 200 ? json.readTree(view.body()).path("state").asText() : "";
        }
        HttpResponse<String> curve = get("/experiments/" + experimentId + "/curve");
        if (curve.statusCode() != 200) {
            throw new IOException("GET /experiments/" + experimentId + "/curve answered " + curve.statusCode() + ": "
                    + curve.body());
        }
        return json.readValue(curve.body(), PruningCurve.class);
    }

    private HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(base.resolve(path)).timeout(TIMEOUT).header("Accept",
                "application/json").GET().build(), HttpResponse.BodyHandlers.ofString());
    }
}
