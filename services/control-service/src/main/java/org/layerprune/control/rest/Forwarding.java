package org.layerprune.control.rest;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.apache.kafka.streams.state.HostInfo;

/**
 * Asks another instance of the control service, for a key it holds or for its part of a list. A forwarded request
 * carries {@value #FORWARDED_HEADER}, and an instance answers such a request from its own store only, so that a
 * request never travels in circles while partitions move.
 */
@ApplicationScoped
public class Forwarding {

    /** Marks a request one instance forwarded to another; its value names the forwarding instance. */
    public static final String FORWARDED_HEADER = "X-Layerprune-Forwarded";

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /** Whether {@code headers} belong to a request another instance forwarded here. */
    static boolean forwarded(HttpHeaders headers) {
        return headers.getHeaderString(FORWARDED_HEADER) != null;
    }

    /**
     * The answer of {@code host} to GET {@code pathAndQuery}, status, type and body as it gave them.
     *
     * @param from this instance, for the header
     * @param accept the Accept header to pass on, or null
     * @throws IOException when the instance cannot be reached
     */
    public Response get(HostInfo host, String pathAndQuery, HostInfo from, String accept) throws IOException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://" + host.host() + ":" + host.port()
                        + pathAndQuery))
                .timeout(TIMEOUT)
                .header(FORWARDED_HEADER, from.host() + ":" + from.port())
                .GET();
        if (accept != null) {
            request.header(HttpHeaders.ACCEPT, accept);
        }
        try {
            HttpResponse<byte[]> response = client.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
            Response.ResponseBuilder answer = Response.status(response.statusCode()).entity(response.body());
            response.headers().firstValue(HttpHeaders.CONTENT_TYPE).ifPresent(type -> answer.type(type));
            return answer.build();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while asking " + host, e);
        }
    }
}
