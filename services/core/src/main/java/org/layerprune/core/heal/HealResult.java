package org.layerprune.core.heal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalDouble;
import org.layerprune.core.checkpoint.CheckpointException;
import org.layerprune.core.checkpoint.Json;

/**
 * What a healing run produced: the {@code heal --json} contract, also kept as {@code heal.json} in the run's
 * output directory, whose presence marks the run complete.
 *
 * @param steps          optimizer updates made
 * @param tokens         training tokens seen: steps x batch size x sequence length
 * @param trainLoss      mean training loss over every update
 * @param evalLossBefore validation loss of the unhealed model; empty without a validation set
 * @param evalLossAfter  validation loss of the healed model (the full-precision base plus the adapter, which is
 *                       what the merged checkpoint holds); empty without a validation set
 * @param adapter        the PEFT adapter directory
 * @param merged         the merged checkpoint directory
 * @param seconds        training wall time, summed over every process that ran a part of it
 * @param resumedFrom    the update count the last process started from: 0 for a run from scratch
 * @param identity       settings, model hash and data hashes the run was started with
 */
public record HealResult(long steps, long tokens, double trainLoss, OptionalDouble evalLossBefore,
        OptionalDouble evalLossAfter, Path adapter, Path merged, double seconds, long resumedFrom,
        ObjectNode identity) {

    /** The contract, snake_case; absent validation losses are null. */
    public ObjectNode toJson() {
        ObjectNode json = JsonNodeFactory.instance.objectNode();
        json.put("steps", steps);
        json.put("tokens", tokens);
        json.put("train_loss", trainLoss);
        putOptional(json, "eval_loss_before", evalLossBefore);
        putOptional(json, "eval_loss_after", evalLossAfter);
        json.put("adapter", adapter.toString());
        json.put("merged", merged.toString());
        json.put("seconds", seconds);
        json.put("resumed_from", resumedFrom);
        json.set("identity", identity.deepCopy());
        return json;
    }

    /**
     * Reads a result {@link #toJson()} wrote.
     *
     * @throws CheckpointException naming the file and field when it is unreadable or incomplete
     */
    public static HealResult read(Path file) {
        ObjectNode json;
        try {
            json = Json.parseObject(file, Files.readAllBytes(file), "heal result");
        } catch (IOException e) {
            throw new CheckpointException(file + ": cannot read: " + e, e);
        }
        return new HealResult(required(json, "steps", file).asLong(), required(json, "tokens", file).asLong(),
                required(json, "train_loss", file).asDouble(), optional(json, "eval_loss_before"),
                optional(json, "eval_loss_after"), Path.of(required(json, "adapter", file).asText()),
                Path.of(required(json, "merged", file).asText()), required(json, "seconds", file).asDouble(),
                required(json, "resumed_from", file).asLong(), (ObjectNode) required(json, "identity", file));
    }

    private static void putOptional(ObjectNode json, String field, OptionalDouble value) {
        if (value.isPresent()) {
            json.put(field, value.getAsDouble());
        } else {
            json.putNull(field);
        }
    }

    private static OptionalDouble optional(JsonNode json, String field) {
        JsonNode value = json.get(field);
        return value == null || value.isNull() ? OptionalDouble.empty() : OptionalDouble.of(value.asDouble());
    }

    private static JsonNode required(JsonNode json, String field, Path file) {
        JsonNode value = json.get(field);
        if (value == null || value.isNull() || field.equals("identity") && !value.isObject()) {
            throw new CheckpointException(file + ": no \"" + field + "\"");
        }
        return value;
    }
}
