package org.layerprune.control.rest;

import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;

/**
 * An error answer: what went wrong and, for bad input, every field at fault.
 *
 * @param status the HTTP status
 * @param title what went wrong
 * @param errors the fields at fault, each with its problem; empty when no field is to blame
 */
public record Problem(int status, String title, List<FieldError> errors) {

    /**
     * One field at fault.
     *
     * @param field a path such as {@code heal.steps} or {@code blockSizes[1]}; empty for the document itself
     * @param message what is wrong with it
     */
    public record FieldError(String field, String message) {
    }

    static Response response(Response.Status status, String title) {
        return response(status, title, List.of());
    }

    static Response response(Response.Status status, String title, List<FieldError> errors) {
        return Response.status(status).type(MediaType.APPLICATION_JSON_TYPE)
                .entity(new Problem(status.getStatusCode(), title, errors)).build();
    }
}
