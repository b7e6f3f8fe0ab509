package org.layerprune.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * The control service's REST API over plain HTTP ({@code java.net.http}): what the CLI's pipeline commands ask it.
 * Every answer other than the one expected becomes a {@link ControlApiException} whose message names the URL asked,
 * the status and the service's own words (its Problem body), so that a user sees at once which server said what.
 */
final class ControlApi {

    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
    /** A read answers from a local store (or one forward): a minute means the service is stuck. */
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(60);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One answer: the status and the body as it came. */
    record Answer(int status, byte[] body) {

        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }

        JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                throw new IllegalStateException("the control service answered " + status + " with a body that is not"
                        + " JSON: " + abbreviate(text()), e);
            }
        }
    }

    private final URI base;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(CONNECT_TIMEOUT).build();

    /**
     * @param url the control service, e.g. {@code http://localhost:8080}
     * @throws IllegalArgumentException when {@code url} is not an absolute http(s) URL
     */
    ControlApi(String url) {
        this.base = base(url);
    }

    static URI base(String url) {
        URI uri;
        try {
            uri = new URI(url.endsWith("/") ? url.substring(0, url.length() - 1) : url);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("--url: \"" + url + "\" is not a URL: " + e.getMessage(), e);
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null) {
            throw new IllegalArgumentException("--url: expected http://host:port or https://..., got \"" + url + "\"");
        }
        return uri;
    }

    /** The service's address, as users gave it. */
    URI base() {
        return base;
    }

    /** {@code base} + {@code path}, e.g. {@code /experiments/x/curve}. */
    URI uri(String path) {
        return URI.create(base + path);
    }

    /** GET {@code path} with {@code accept}; any status. */
    Answer get(String path, String accept) {
        return send("GET", HttpRequest.newBuilder(uri(path)).timeout(REQUEST_TIMEOUT).header("Accept", accept).GET()
                .build());
    }

    /** POST {@code json} to {@code path}; any status. */
    Answer post(String path, byte[] json) {
        return send("POST", HttpRequest.newBuilder(uri(path)).timeout(REQUEST_TIMEOUT)
                .header("Content-Type", "application/json").header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(json)).build());
    }

    /** The JSON document at {@code path}; anything but 200 is a {@link ControlApiException}. */
    JsonNode getJson(String path) {
        Answer answer = get(path, "application/json");
        if (answer.status() != 200) {
            throw failure("GET", path, answer);
        }
        return answer.json();
    }

    /**
     * The lines of a server-sent event stream at {@code path}, read as they arrive; closing the stream closes the
     * connection. Anything but 200 is a {@link ControlApiException}.
     */
    Stream<String> lines(String path) {
        HttpRequest request = HttpRequest.newBuilder(uri(path)).header("Accept", "text/event-stream").GET().build();
        HttpResponse<Stream<String>> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofLines());
        } catch (IOException e) {
            throw unreachable("GET", path, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ControlApiException("interrupted while asking " + uri(path), 0, e);
        }
        if (response.statusCode() != 200) {
            String body;
            try (Stream<String> lines = response.body()) {
                body = String.join("\n", lines.toList());
            }
            throw failure("GET", path, new Answer(response.statusCode(), body.getBytes(StandardCharsets.UTF_8)));
        }
        return response.body();
    }

    private Answer send(String method, HttpRequest request) {
        String path = request.uri().getRawPath();
        try {
            HttpResponse<byte[]> response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
            return new Answer(response.statusCode(), response.body());
        } catch (IOException e) {
            throw unreachable(method, path, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ControlApiException("interrupted while asking " + request.uri(), 0, e);
        }
    }

    private ControlApiException unreachable(String method, String path, IOException e) {
        String why;
        if (e instanceof HttpConnectTimeoutException) {
            why = "no connection within " + CONNECT_TIMEOUT.toSeconds() + " s";
        } else if (e instanceof HttpTimeoutException) {
            why = "no answer within " + REQUEST_TIMEOUT.toSeconds() + " s";
        } else if (e instanceof ConnectException) {
            why = "connection refused";
        } else {
            why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        }
        return new ControlApiException("cannot reach the control service at " + base + " (" + method + " " + uri(path)
                + ": " + why + "); is it running? Point --url or $LAYERPRUNE_URL at it", 0, e);
    }

    /**
     * The failure of {@code method path} that answered {@code answer}: the service's title and every field it blamed,
     * or the body itself when it is not a Problem.
     */
    ControlApiException failure(String method, String path, Answer answer) {
        int status = answer.status();
        JsonNode problem = problem(answer);
        String title = problem != null && problem.hasNonNull("title") ? problem.get("title").asText()
                : abbreviate(answer.text());
        String what = method + " " + uri(path) + " answered " + status;
        String message = status == 503 ? what + ", the control service cannot answer now: " + title
                + "; try again shortly" : what + ": " + title;
        List<String> fields = new ArrayList<>();
        if (problem != null) {
            for (JsonNode error : problem.path("errors")) {
                String field = error.path("field").asText("");
                fields.add((field.isEmpty() ? "(the document)" : field) + ": " + error.path("message").asText());
            }
        }
        return new ControlApiException(message, status, fields);
    }

    /** The Problem body {status, title, errors} of an answer; null when the body is something else. */
    private static JsonNode problem(Answer answer) {
        try {
            JsonNode node = JSON.readTree(answer.body());
            return node != null && node.isObject() && node.has("title") ? node : null;
        } catch (IOException e) {
            return null;
        }
    }

    private static String abbreviate(String text) {
        String oneLine = text.strip().replaceAll("\\s+", " ");
        return oneLine.isEmpty() ? "(no body)" : oneLine.length() > 300 ? oneLine.substring(0, 300) + "..." : oneLine;
    }
}
