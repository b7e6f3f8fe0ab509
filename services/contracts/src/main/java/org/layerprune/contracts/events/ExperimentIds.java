package org.layerprune.contracts.events;

import java.util.regex.Pattern;

/**
 * The rule for experiment ids: lower-case letters, digits and inner hyphens, at most {@value #MAX_LENGTH}
 * characters ({@code $defs/experimentId}). They become Kafka keys, directory names and parts of variant ids, so they
 * stay plain.
 */
public final class ExperimentIds {

    /** The longest experiment id. */
    public static final int MAX_LENGTH = 64;

    static final String REGEX = "[a-z0-9](?:[a-z0-9-]{0," + (MAX_LENGTH - 2) + "}[a-z0-9])?";

    private static final Pattern PATTERN = Pattern.compile(REGEX);

    private ExperimentIds() {
    }

    /**
     * {@code experimentId}, checked.
     *
     * @throws InvalidEventException naming {@code field} when it is missing or not an experiment id
     */
    public static String require(String experimentId, String field) {
        Fields.required(experimentId, field);
        if (!PATTERN.matcher(experimentId).matches()) {
            throw new InvalidEventException(field, "\"" + experimentId + "\" is not an experiment id: lower-case"
                    + " letters, digits and inner hyphens, at most " + MAX_LENGTH + " characters");
        }
        return experimentId;
    }
}
