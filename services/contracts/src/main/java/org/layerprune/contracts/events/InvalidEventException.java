package org.layerprune.contracts.events;

/**
 * An event or part of one that breaks the contract, naming the field at fault relative to the record that refused
 * it, e.g. {@code lStar[2]}; the deserializer prefixes the path of that record in the document.
 */
public final class InvalidEventException extends IllegalArgumentException {

    private final String field;

    public InvalidEventException(String field, String problem) {
        super(field + ": " + problem);
        this.field = field;
    }

    /** The field at fault, relative to the record that threw. */
    public String field() {
        return field;
    }

    /** The problem without the field. */
    public String problem() {
        return getMessage().substring(field.length() + 2);
    }
}
