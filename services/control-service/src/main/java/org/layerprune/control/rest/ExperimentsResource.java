package org.layerprune.control.rest;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.subscription.Cancellable;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.Response.Status;
import jakarta.ws.rs.core.UriInfo;
import jakarta.ws.rs.sse.OutboundSseEvent;
import jakarta.ws.rs.sse.Sse;
import jakarta.ws.rs.sse.SseEventSink;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.HostInfo;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;
import org.layerprune.contracts.events.ExperimentRequested;
import org.layerprune.contracts.events.SimilarityProbed;
import org.layerprune.control.rest.RequestValidation.InvalidRequestException;
import org.layerprune.control.streams.InteractiveQueries;
import org.layerprune.control.streams.InteractiveQueries.Found;
import org.layerprune.control.streams.InteractiveQueries.Lookup;
import org.layerprune.control.streams.InteractiveQueries.NotFound;
import org.layerprune.control.streams.InteractiveQueries.Remote;
import org.layerprune.control.streams.InteractiveQueries.Unavailable;
import org.layerprune.control.template.ExperimentTemplate;
import org.layerprune.control.view.ExperimentState;
import org.layerprune.control.view.ExperimentView;
import org.layerprune.control.view.PruningCurve;
import org.layerprune.control.view.ViewJson;
import org.layerprune.core.similarity.HeatMap;
import org.layerprune.core.similarity.ProbeResult;
import org.layerprune.stage.EventMessages;

/**
 * Experiments: submit one ({@code experiments.requested} on the broker), list them, read one's view, pruning curve
 * and heat map. Reads answer from this instance's view store when it holds the experiment and otherwise from the
 * instance that does.
 */
@Path("/experiments")
public class ExperimentsResource {

    /** The outgoing channel of requests: topic experiments.requested. */
    public static final String EXPERIMENTS_REQUESTED = "experiments-requested";

    static final String SVG = "image/svg+xml";
    static final String PNG = "image/png";
    private static final MediaType SVG_TYPE = MediaType.valueOf(SVG);
    private static final MediaType PNG_TYPE = MediaType.valueOf(PNG);

    private static final Logger LOG = Logger.getLogger(ExperimentsResource.class);
    private static final String SOURCE = EventMessages.source("control-service");
    private static final long SEND_TIMEOUT_SECONDS = 30;
    private static final Duration KEEP_ALIVE = Duration.ofSeconds(15);

    private final Emitter<ExperimentRequested> requests;
    private final InteractiveQueries queries;
    private final Forwarding forwarding;
    private final LiveEvents live;
    private final ExperimentTemplate template;
    private final Counter accepted;
    private final Counter rejected;

    public ExperimentsResource(@Channel(EXPERIMENTS_REQUESTED) Emitter<ExperimentRequested> requests,
            InteractiveQueries queries, Forwarding forwarding, LiveEvents live, ExperimentTemplate template,
            MeterRegistry registry) {
        this.live = live;
        this.template = template;
        this.requests = requests;
        this.queries = queries;
        this.forwarding = forwarding;
        this.accepted = registry.counter("layerprune.control.requests", "outcome", "accepted");
        this.rejected = registry.counter("layerprune.control.requests", "outcome", "rejected");
    }

    /**
     * Submits an experiment: the body is an {@code experiments.requested} event, of which {@code experimentId},
     * {@code time} and {@code schemaVersion} may be left out for the server to assign. 202 once the request is on the
     * broker, with its id and where to follow it; 400 naming every field at fault.
     */
    @APIResponse(responseCode = "202", description = "on the broker",
            content = @Content(schema = @Schema(implementation = Submitted.class)))
    @APIResponse(responseCode = "400", description = "every field at fault",
            content = @Content(schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "409", description = "the id was requested before with other settings",
            content = @Content(schema = @Schema(implementation = Problem.class)))
    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    public Response submit(String body) {
        ExperimentRequested request;
        try {
            request = RequestValidation.read(body);
        } catch (InvalidRequestException e) {
            rejected.increment();
            return Problem.response(Status.BAD_REQUEST, "not a valid experiments.requested body", e.errors());
        }
        Response conflict = conflict(request);
        if (conflict != null) {
            rejected.increment();
            return conflict;
        }
        CompletableFuture<Void> sent = new CompletableFuture<>();
        Message<ExperimentRequested> message = EventMessages.of(request, SOURCE)
                .withAck(() -> {
                    sent.complete(null);
                    return CompletableFuture.completedFuture(null);
                })
                .withNack(failure -> {
                    sent.completeExceptionally(failure);
                    return CompletableFuture.completedFuture(null);
                });
        try {
            requests.send(message);
            sent.get(SEND_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Problem.response(Status.SERVICE_UNAVAILABLE, "interrupted while sending the request");
        } catch (ExecutionException | TimeoutException | IllegalStateException e) {
            LOG.errorf(e, "cannot send experiments.requested %s", request.experimentId());
            return Problem.response(Status.SERVICE_UNAVAILABLE, "the request could not be put on the broker: "
                    + (e.getCause() == null ? e : e.getCause()).getMessage());
        }
        accepted.increment();
        String id = request.experimentId();
        return Response.accepted(new Submitted(id, ExperimentState.REQUESTED, "/experiments/" + id,
                        "/experiments/" + id + "/events"))
                .location(URI.create("/experiments/" + id))
                .build();
    }

    /**
     * 409 when an experiment of this id was requested with other settings: an id names one experiment, and the
     * stages would answer with the first one's results. Null when the id is new, or was requested with the same
     * settings (a retried POST), or when no instance can tell now (the stages still keep the first).
     */
    private Response conflict(ExperimentRequested request) {
        String id = request.experimentId();
        Lookup lookup = queries.find(id);
        ExperimentRequested first = null;
        if (lookup instanceof Found found) {
            first = found.view().request();
        } else if (lookup instanceof Remote remote) {
            try {
                Response view = forwarding.get(remote.host(), "/experiments/" + id, queries.self(),
                        MediaType.APPLICATION_JSON);
                if (view.getStatus() == 200) {
                    first = Json.request((byte[]) view.getEntity());
                }
            } catch (IOException e) {
                LOG.warnf("cannot ask %s whether %s exists: %s", remote.host(), id, e);
            }
        }
        if (first == null || Json.sameSettings(first, request)) {
            return null;
        }
        return Problem.response(Status.CONFLICT, "experiment " + id + " exists with other settings",
                List.of(new Problem.FieldError("experimentId", "\"" + id + "\" was requested before with other"
                        + " settings; choose another id, or leave it out for the server to assign one")));
    }

    /**
     * The defaults of a new experiment: a complete {@code experiments.requested} body without {@code experimentId} and
     * {@code time}, which {@code POST /experiments} assigns. The dashboard's form and the CLI's submit start from it.
     */
    @APIResponse(responseCode = "200", description = "an experiments.requested body without experimentId and time")
    @GET
    @Path(RequestValidation.TEMPLATE_PATH)
    @Produces(MediaType.APPLICATION_JSON)
    public ObjectNode template() {
        return template.body();
    }

    /** Every experiment of every instance: id, state, model, block sizes. */
    @APIResponse(responseCode = "200", content = @Content(schema = @Schema(type = SchemaType.ARRAY,
            implementation = ExperimentSummary.class)))
    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public Response list(@Context HttpHeaders headers) {
        Map<String, Object> byId = new TreeMap<>();
        try {
            queries.local().forEach(view -> byId.put(view.experimentId(), ExperimentSummary.of(view)));
        } catch (InvalidStateStoreException e) {
            return Problem.response(Status.SERVICE_UNAVAILABLE, "the view store is not ready: " + e.getMessage());
        }
        if (!Forwarding.forwarded(headers)) {
            for (HostInfo host : queries.others()) {
                Response part;
                try {
                    part = forwarding.get(host, "/experiments", queries.self(), MediaType.APPLICATION_JSON);
                } catch (IOException e) {
                    return Problem.response(Status.BAD_GATEWAY, "instance " + host + " did not answer: " + e);
                }
                if (part.getStatus() != 200) {
                    return Problem.response(Status.BAD_GATEWAY, "instance " + host + " answered " + part.getStatus());
                }
                for (Map<String, Object> summary : Json.readList((byte[]) part.getEntity())) {
                    byId.putIfAbsent((String) summary.get("experimentId"), summary);
                }
            }
        }
        return Response.ok(new ArrayList<>(byId.values())).build();
    }

    /** One experiment's view: state, request, probe, every variant's stage, heal progress and scores, failures. */
    @APIResponse(responseCode = "200", content = @Content(schema = @Schema(implementation = ExperimentView.class)))
    @APIResponse(responseCode = "404", description = "no event of it seen",
            content = @Content(schema = @Schema(implementation = Problem.class)))
    @GET
    @Path("{id}")
    @Produces(MediaType.APPLICATION_JSON)
    public Response get(@PathParam("id") String id, @Context UriInfo uri, @Context HttpHeaders headers) {
        // the store's JSON, whose request reads as the event it was (absent settings left out, not null): the
        // document can be submitted again as it is
        return answer(id, uri, headers, view -> Response.ok(ViewJson.write(view), MediaType.APPLICATION_JSON).build());
    }

    /**
     * The pruning curves: for n = 0 (the baseline) and each block size, n / L, l*(n), and every task's scores pruned
     * and healed.
     */
    @APIResponse(responseCode = "200", content = @Content(schema = @Schema(implementation = PruningCurve.class)))
    @GET
    @Path("{id}/curve")
    @Produces(MediaType.APPLICATION_JSON)
    public Response curve(@PathParam("id") String id, @Context UriInfo uri, @Context HttpHeaders headers) {
        return answer(id, uri, headers, view -> Response.ok(PruningCurve.of(view)).build());
    }

    /**
     * The probe's heat map (rows min-max normalised, l*(n) traced): SVG by default, PNG with {@code Accept: image/png}
     * or {@code ?format=png}. 404 until the probe has reported.
     */
    @APIResponse(responseCode = "200", description = "the heat map", content = {
        @Content(mediaType = SVG), @Content(mediaType = PNG)})
    @APIResponse(responseCode = "404", description = "no probe result yet",
            content = @Content(schema = @Schema(implementation = Problem.class)))
    @GET
    @Path("{id}/heatmap")
    @Produces({SVG, PNG})
    public Response heatmap(@PathParam("id") String id, @QueryParam("format") String format,
            @Context UriInfo uri, @Context HttpHeaders headers) {
        MediaType type;
        if (format != null) {
            type = switch (format.toLowerCase(Locale.ROOT)) {
                case "svg" -> SVG_TYPE;
                case "png" -> PNG_TYPE;
                default -> null;
            };
            if (type == null) {
                return Problem.response(Status.BAD_REQUEST, "unknown heat map format",
                        List.of(new Problem.FieldError("format", "\"" + format + "\" is neither svg nor png")));
            }
        } else {
            type = headers.getAcceptableMediaTypes().stream()
                    .filter(t -> t.isCompatible(SVG_TYPE) || t.isCompatible(PNG_TYPE))
                    .findFirst()
                    .map(t -> t.isCompatible(SVG_TYPE) ? SVG_TYPE : PNG_TYPE)
                    .orElse(SVG_TYPE);
        }
        return answer(id, uri, headers, view -> {
            SimilarityProbed probe = view.probe();
            if (probe == null) {
                return Problem.response(Status.NOT_FOUND, "experiment " + id + " has no probe result yet");
            }
            ProbeResult result = probeResult(probe);
            Object body = type.equals(PNG_TYPE)
                    ? HeatMap.png(result, HeatMap.DEFAULT_WIDTH, HeatMap.DEFAULT_HEIGHT)
                    : HeatMap.svg(result, HeatMap.DEFAULT_WIDTH, HeatMap.DEFAULT_HEIGHT);
            return Response.ok(body, type).build();
        });
    }

    /**
     * The experiment's events as they happen, as server-sent events named by event type ({@code heal.progress},
     * {@code variants.pruned}, {@code variants.healed}, {@code variants.evaluated}, {@code stage.failed}, ...), each
     * with the event's JSON as data and its CloudEvents id. Any instance streams any experiment.
     */
    @GET
    @Path("{id}/events")
    @Produces(MediaType.SERVER_SENT_EVENTS)
    public void events(@PathParam("id") String id, @Context SseEventSink sink, @Context Sse sse) {
        Multi<OutboundSseEvent> events = live.of(id).map(event -> sse.newEventBuilder()
                .name(event.type())
                .id(event.id())
                .mediaType(MediaType.APPLICATION_JSON_TYPE)
                .data(String.class, event.json())
                .build());
        // a comment now and then keeps proxies from closing a quiet stream, and finds out when the client left
        Multi<OutboundSseEvent> keepAlive = Multi.createFrom().ticks().every(KEEP_ALIVE)
                .map(tick -> sse.newEventBuilder().comment("keep-alive").build());
        AtomicReference<Cancellable> subscription = new AtomicReference<>();
        Runnable stop = () -> {
            Cancellable cancellable = subscription.get();
            if (cancellable != null) {
                cancellable.cancel();
            }
        };
        subscription.set(Multi.createBy().merging().streams(events, keepAlive).subscribe().with(
                event -> send(sink, event, stop), failure -> sink.close()));
        // tells the client the subscription is in place
        send(sink, sse.newEventBuilder().name("subscribed").data(String.class, "{\"experimentId\":\"" + id + "\"}")
                .mediaType(MediaType.APPLICATION_JSON_TYPE).build(), stop);
    }

    /** Sends {@code event}, or runs {@code stop} when the client has gone away (before the send, or during it). */
    private static void send(SseEventSink sink, OutboundSseEvent event, Runnable stop) {
        if (sink.isClosed()) {
            stop.run();
            return;
        }
        try {
            sink.send(event).whenComplete((ignored, failure) -> {
                if (failure != null || sink.isClosed()) {
                    stop.run();
                }
            });
        } catch (IllegalStateException closedMeanwhile) {
            stop.run();
        }
    }

    /** The probe's result as core's heat map wants it. */
    static ProbeResult probeResult(SimilarityProbed probe) {
        double[][] distances = probe.distances().stream()
                .map(row -> row.stream().mapToDouble(Double::doubleValue).toArray())
                .toArray(double[][]::new);
        return new ProbeResult(probe.metric().wireName(), probe.layers(), probe.samples(), probe.tokens(), distances,
                probe.modelHash());
    }

    /**
     * {@code local} of the view when this instance holds it; the holder's answer to the same request when another
     * does (a forwarded request is answered here only); 404 when none does, 503 while no one can tell.
     */
    private Response answer(String id, UriInfo uri, HttpHeaders headers, Function<ExperimentView, Response> local) {
        Lookup lookup = queries.find(id);
        if (lookup instanceof Found found) {
            return local.apply(found.view());
        }
        if (lookup instanceof Remote remote && !Forwarding.forwarded(headers)) {
            URI request = uri.getRequestUri();
            String pathAndQuery = request.getRawPath() + (request.getRawQuery() == null ? ""
                    : "?" + request.getRawQuery());
            try {
                return forwarding.get(remote.host(), pathAndQuery, queries.self(),
                        headers.getHeaderString(HttpHeaders.ACCEPT));
            } catch (IOException e) {
                return Problem.response(Status.BAD_GATEWAY, "instance " + remote.host() + ", which holds experiment "
                        + id + ", did not answer: " + e);
            }
        }
        if (lookup instanceof Unavailable unavailable) {
            return Problem.response(Status.SERVICE_UNAVAILABLE, unavailable.reason());
        }
        if (lookup instanceof NotFound || lookup instanceof Remote) {
            return Problem.response(Status.NOT_FOUND, "no experiment " + id);
        }
        throw new IllegalStateException("unknown lookup " + lookup);
    }

}
