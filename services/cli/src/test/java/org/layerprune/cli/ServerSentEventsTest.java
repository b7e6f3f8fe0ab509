package org.layerprune.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The event stream as the control service writes it (Quarkus REST's SSE): named events, JSON data, comments. */
class ServerSentEventsTest {

    @Test
    void readsNamedEventsSkipsCommentsAndJoinsDataLines() {
        List<String> stream = List.of(
                "event: subscribed", "data: {\"experimentId\":\"exp-1\"}", "",
                ": keep-alive", "",
                "event: heal.progress", "id: 7f3a", "data:{\"step\":10,", "data: \"totalSteps\":100}", "",
                "data: unnamed", "");
        ServerSentEvents parser = new ServerSentEvents();
        List<ServerSentEvents.Event> events = new ArrayList<>();
        stream.forEach(line -> parser.line(line).ifPresent(events::add));

        assertEquals(List.of(
                new ServerSentEvents.Event("subscribed", "", "{\"experimentId\":\"exp-1\"}"),
                new ServerSentEvents.Event("heal.progress", "7f3a", "{\"step\":10,\n\"totalSteps\":100}"),
                new ServerSentEvents.Event("message", "7f3a", "unnamed")), events,
                "the id carries over to later events, as the format says; the name does not");
    }
}
