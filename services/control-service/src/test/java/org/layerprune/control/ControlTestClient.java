package org.layerprune.control;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** A plain HTTP client of the control service's REST API, for tests. */
public final class ControlTestClient {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final URI root;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    public ControlTestClient(URI root) {
        this.root = root;
    }

    public HttpResponse<byte[]> get(String path, String accept) {
        HttpRequest.Builder request = HttpRequest.newBuilder(root.resolve(path)).timeout(Duration.ofSeconds(30));
        if (accept != null) {
            request.header("Accept", accept);
        }
        return send(request.GET().build());
    }

    /** GET {@code path} as another instance asks: answered from the instance's own store only. */
    public HttpResponse<byte[]> getForwarded(String path) {
        return send(HttpRequest.newBuilder(root.resolve(path)).timeout(Duration.ofSeconds(30))
                .header("X-Layerprune-Forwarded", "test").GET().build());
    }

    public HttpResponse<byte[]> get(String path) {
        return get(path, null);
    }

    public HttpResponse<byte[]> post(String path, String json) {
        return send(HttpRequest.newBuilder(root.resolve(path)).timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)).build());
    }

    /** The JSON body of GET {@code path}, asserting 200. */
    public JsonNode json(String path) {
        HttpResponse<byte[]> response = get(path, "application/json");
        if (response.statusCode() != 200) {
            throw new AssertionError("GET " + path + ": " + response.statusCode() + " " + new String(response.body()));
        }
        return json(response);
    }

    public static JsonNode parse(String json) {
        try {
            return JSON.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static JsonNode json(HttpResponse<byte[]> response) {
        try {
            return JSON.readTree(response.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private HttpResponse<byte[]> send(HttpRequest request) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException(request.uri().toString(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
