package org.layerprune.cli;

import java.util.Optional;

/**
 * Reads a server-sent event stream line by line (the WHATWG format): {@code event:}, {@code id:} and {@code data:}
 * fields, a blank line ends an event, a line starting with ':' is a comment (the control service's keep-alive).
 */
final class ServerSentEvents {

    /**
     * One event.
     *
     * @param name the event type ({@code message} when the stream named none)
     * @param id its id; empty when none
     * @param data its data lines joined by newlines
     */
    record Event(String name, String id, String data) {
    }

    private String name = "";
    private String id = "";
    private StringBuilder data;

    /** Takes the next line of the stream; returns the event it completes, if it does. */
    Optional<Event> line(String line) {
        if (line.isEmpty()) {
            if (data == null) {
                name = "";
                return Optional.empty(); // a blank line after a comment, or two in a row: no event
            }
            Event event = new Event(name.isEmpty() ? "message" : name, id, data.toString());
            name = "";
            data = null;
            return Optional.of(event);
        }
        if (line.startsWith(":")) {
            return Optional.empty();
        }
        int colon = line.indexOf(':');
        String field = colon < 0 ? line : line.substring(0, colon);
        String value = colon < 0 ? "" : line.substring(colon + 1);
        if (value.startsWith(" ")) {
            value = value.substring(1);
        }
        switch (field) {
            case "event" -> name = value;
            case "id" -> id = value;
            case "data" -> data = data == null ? new StringBuilder(value) : data.append('\n').append(value);
            default -> {
                // retry and unknown fields: nothing a watcher needs
            }
        }
        return Optional.empty();
    }
}
