package org.layerprune.control;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;

/** A server-sent events client: reads the stream on a thread of its own and keeps every event it got. */
public final class SseClient implements AutoCloseable {

    /** One server-sent event. */
    public record SseEvent(String name, String id, String data) {
    }

    private final List<SseEvent> events = new CopyOnWriteArrayList<>();
    private final CompletableFuture<HttpResponse<Stream<String>>> response;
    private volatile Stream<String> lines;

    public SseClient(URI uri) {
        HttpRequest request = HttpRequest.newBuilder(uri).header("Accept", "text/event-stream").GET().build();
        response = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build()
                .sendAsync(request, HttpResponse.BodyHandlers.ofLines());
        response.thenAcceptAsync(r -> {
            lines = r.body();
            read(lines);
        });
    }

    private void read(Stream<String> body) {
        String name = "message";
        String id = null;
        StringBuilder data = new StringBuilder();
        for (String line : (Iterable<String>) body::iterator) {
            if (line.isEmpty()) {
                if (!data.isEmpty()) {
                    events.add(new SseEvent(name, id, data.toString()));
                }
                name = "message";
                id = null;
                data.setLength(0);
            } else if (line.startsWith("event:")) {
                name = line.substring(6).trim();
            } else if (line.startsWith("id:")) {
                id = line.substring(3).trim();
            } else if (line.startsWith("data:")) {
                data.append(data.isEmpty() ? "" : "\n").append(line.substring(5).stripLeading());
            }
        }
    }

    /** The events received so far. */
    public List<SseEvent> events() {
        return new ArrayList<>(events);
    }

    /** The events named {@code name} received so far. */
    public List<SseEvent> events(String name) {
        return events.stream().filter(e -> e.name().equals(name)).toList();
    }

    @Override
    public void close() {
        response.cancel(true);
        Stream<String> open = lines;
        if (open != null) {
            open.close();
        }
    }
}
