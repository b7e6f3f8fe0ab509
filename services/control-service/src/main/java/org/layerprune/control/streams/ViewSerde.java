package org.layerprune.control.streams;

import java.io.UncheckedIOException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;
import org.layerprune.control.view.ExperimentView;
import org.layerprune.control.view.ViewJson;

/** {@link ExperimentView}s as JSON, in the state store and its changelog topic. */
public final class ViewSerde implements Serde<ExperimentView> {

    @Override
    public Serializer<ExperimentView> serializer() {
        return (topic, view) -> view == null ? null : ViewJson.write(view);
    }

    @Override
    public Deserializer<ExperimentView> deserializer() {
        return (topic, data) -> {
            if (data == null) {
                return null;
            }
            try {
                return ViewJson.read(data);
            } catch (UncheckedIOException e) {
                throw new SerializationException(topic + ": " + e.getMessage(), e);
            }
        };
    }
}
