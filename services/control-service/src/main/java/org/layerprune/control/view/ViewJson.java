package org.layerprune.control.view;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.layerprune.contracts.kafka.EventJson;

/**
 * The JSON of {@link ExperimentView}s, in the state store and its changelog: the events' mapper (ISO-8601 times,
 * absent optionals left out, strict reading), so that the request and probe inside a view read back as the events
 * they were.
 */
public final class ViewJson {

    private static final JsonMapper MAPPER = EventJson.mapper();

    private ViewJson() {
    }

    public static byte[] write(ExperimentView view) {
        try {
            return MAPPER.writeValueAsBytes(view);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the view of " + view.experimentId(), e);
        }
    }

    /**
     * The view in {@code json}.
     *
     * @throws UncheckedIOException when it is not a view
     */
    public static ExperimentView read(byte[] json) {
        try {
            return MAPPER.readValue(json, ExperimentView.class);
        } catch (IOException e) {
            throw new UncheckedIOException("not an experiment view: " + e.getMessage(), e);
        }
    }
}
