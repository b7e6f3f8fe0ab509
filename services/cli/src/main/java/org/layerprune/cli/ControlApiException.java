package org.layerprune.cli;

import java.util.List;

/**
 * The control service could not be reached, or answered something other than what a command needs. The message
 * names the URL; {@link #fields()} lists every field the service blamed (a 400's Problem errors).
 */
final class ControlApiException extends RuntimeException {

    private final int status;
    private final List<String> fields;

    /** A failure to reach the service at all: {@code status} 0. */
    ControlApiException(String message, int status, Throwable cause) {
        super(message, cause);
        this.status = status;
        this.fields = List.of();
    }

    ControlApiException(String message, int status, List<String> fields) {
        super(message);
        this.status = status;
        this.fields = List.copyOf(fields);
    }

    /** The HTTP status; 0 when there was no answer. */
    int status() {
        return status;
    }

    /** "field: message" for every field at fault; empty when none was named. */
    List<String> fields() {
        return fields;
    }
}
