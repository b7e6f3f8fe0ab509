package org.layerprune.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code watch}: a running experiment's progress until it is done (exit 0) or failed (exit 1). The view
 * ({@code GET /experiments/{id}}) shows what is finished already; the live events ({@code /events}, server-sent) move
 * the heal bars as the heals report and say when to read the view again.
 */
@Command(name = "watch", mixinStandardHelpOptions = true, description = {
        "Follow an experiment until it is done (exit 0) or failed (exit 1).",
        "A progress bar per variant n, redrawn on a terminal, a line per change otherwise. Reads the view",
        "(GET /experiments/ID), then the live events (GET /experiments/ID/events). An experiment submitted a moment",
        "ago may not be in the view yet: a 404 (or 503) is waited out for 30 s before it ends the command."})
final class WatchCommand extends ExperimentCommand {

    /** A just-submitted experiment reaches the view a moment after POST answered: how long a 404 is waited out. */
    static final long APPEAR_WITHIN_SECONDS = 30;
    /** The view is read again this often when no event says so: it settles to done a moment after the last event. */
    private static final long REFRESH_MILLIS = 1000;
    private static final Pattern HEALED_VARIANT = Pattern.compile("-n(\\d+)-healed$");
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Ends the queue of events: the stream closed or failed. */
    private static final ServerSentEvents.Event END = new ServerSentEvents.Event("", "", "");

    @Option(names = "--json", description = "Print the final view as JSON (the progress goes to stderr then).")
    boolean json;

    @Override
    public Integer call() throws InterruptedException {
        ControlApi api = control.api();
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        PrintWriter progress = json ? err : out;
        boolean terminal = System.console() != null;
        String path = path("");

        BlockingQueue<ServerSentEvents.Event> events = new LinkedBlockingQueue<>();
        AtomicReference<Stream<String>> stream = new AtomicReference<>();
        AtomicBoolean closing = new AtomicBoolean();
        AtomicReference<String> streamFailure = new AtomicReference<>();
        // subscribe before the first read of the view, so that nothing happens unseen between the two
        Thread reader = new Thread(() -> read(api, path + "/events", stream, closing, events, streamFailure),
                "watch-" + id);
        reader.setDaemon(true);
        reader.start();
        try {
            WatchDisplay display = new WatchDisplay();
            JsonNode view = firstView(api, path);
            String state = "";
            int drawn = 0;
            while (true) {
                display.view(view);
                if (!display.state().equals(state)) {
                    state = display.state();
                    if (!terminal || drawn == 0) {
                        progress.println("experiment " + id + ": " + state);
                    }
                }
                drawn = show(progress, display, terminal, drawn);
                if (state.equals("done") || state.equals("failed")) {
                    break;
                }
                boolean viewChanged = false;
                long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(REFRESH_MILLIS);
                while (!viewChanged && System.nanoTime() < until) {
                    ServerSentEvents.Event event = events.poll(Math.max(1, until - System.nanoTime()),
                            TimeUnit.NANOSECONDS);
                    if (event == END) {
                        // said once, and only here: when the view cannot be read either, that error is the one to see
                        err.println("layerprune watch: the live events stopped (" + streamFailure.get()
                                + "); reading the view every second instead");
                        err.flush();
                    }
                    if (event == null || event == END) {
                        break;
                    }
                    if (event.name().equals("heal.progress")) {
                        healProgress(display, event);
                        drawn = show(progress, display, terminal, drawn);
                    } else if (!event.name().equals("subscribed")) {
                        viewChanged = true; // pruned, healed, evaluated, failed: the view tells what it means
                    }
                }
                view = api.getJson(path);
            }
            return finish(out, err, view, state);
        } finally {
            closing.set(true);
            Stream<String> lines = stream.get();
            if (lines != null) {
                lines.close(); // closes the connection; the reader ends
            }
            reader.interrupt();
        }
    }

    /** The view, waiting out the 404 (or 503) of an experiment submitted a moment ago. */
    private static JsonNode firstView(ControlApi api, String path) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(APPEAR_WITHIN_SECONDS);
        while (true) {
            ControlApi.Answer answer = api.get(path, "application/json");
            if (answer.status() == 200) {
                return answer.json();
            }
            boolean mayAppear = answer.status() == 404 || answer.status() == 503;
            if (!mayAppear || System.nanoTime() > deadline) {
                throw api.failure("GET", path, answer);
            }
            Thread.sleep(REFRESH_MILLIS);
        }
    }

    private static void read(ControlApi api, String path, AtomicReference<Stream<String>> stream,
            AtomicBoolean closing, BlockingQueue<ServerSentEvents.Event> events, AtomicReference<String> failure) {
        ServerSentEvents parser = new ServerSentEvents();
        try (Stream<String> lines = api.lines(path)) {
            stream.set(lines);
            lines.forEach(line -> parser.line(line).ifPresent(events::add));
            failure.set("the service closed the stream");
        } catch (RuntimeException e) {
            failure.set(e.getMessage());
        }
        if (!closing.get()) {
            events.add(END);
        }
    }

    private static void healProgress(WatchDisplay display, ServerSentEvents.Event event) {
        try {
            JsonNode progress = JSON.readTree(event.data());
            Matcher n = HEALED_VARIANT.matcher(progress.path("variantId").asText());
            if (n.find()) {
                display.heal(Integer.parseInt(n.group(1)), progress.path("step").asLong(),
                        progress.path("totalSteps").asLong(), progress.path("loss").asDouble());
            }
        } catch (IOException e) {
            // an event we cannot read moves no bar; the view still brings the step
        }
    }

    /**
     * Shows what changed: on a terminal every line redrawn in place (the cursor goes back up over the {@code drawn}
     * lines), otherwise each changed line once. Returns how many lines are drawn now.
     */
    private static int show(PrintWriter progress, WatchDisplay display, boolean terminal, int drawn) {
        List<String> changed = display.changed();
        if (changed.isEmpty()) {
            return drawn;
        }
        if (!terminal) {
            changed.forEach(progress::println);
            progress.flush();
            return drawn;
        }
        Map<Integer, String> lines = display.lines();
        StringBuilder screen = new StringBuilder(drawn > 0 ? "\033[" + drawn + "F" : "");
        lines.values().forEach(line -> screen.append("\033[2K").append(line).append('\n'));
        progress.print(screen);
        progress.flush();
        return lines.size();
    }

    private int finish(PrintWriter out, PrintWriter err, JsonNode view, String state) {
        Output.jsonOrText(out, json, view, () -> String.format("experiment %s %s%n", id, state));
        if (state.equals("failed")) {
            for (JsonNode failure : view.path("failures")) {
                if (!failure.path("resolved").asBoolean()) {
                    err.println("layerprune watch: " + failure.path("stage").asText() + " failed"
                            + (failure.hasNonNull("variantId") ? " on " + failure.path("variantId").asText() : "")
                            + ": " + failure.path("code").asText() + " " + failure.path("message").asText());
                }
            }
            err.flush();
            return Layerprune.FAILED;
        }
        return 0;
    }
}
