package org.layerprune.contracts.events;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/** Checks the records share, each throwing an {@link InvalidEventException} that names the field. */
final class Fields {

    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");

    private Fields() {
    }

    /** {@code value}, which the contract requires. */
    static <T> T required(T value, String field) {
        if (value == null) {
            throw new InvalidEventException(field, "is required");
        }
        return value;
    }

    /** An immutable copy of a required list, none of whose elements may be null. */
    static <T> List<T> requiredList(List<T> values, String field) {
        required(values, field);
        for (int i = 0; i < values.size(); i++) {
            required(values.get(i), field + "[" + i + "]");
        }
        return List.copyOf(values);
    }

    /** Fails unless {@code version} is the schema version this code reads and writes. */
    static void schemaVersion(int version) {
        if (version != Event.SCHEMA_VERSION) {
            throw new InvalidEventException("schemaVersion", "is " + version + "; this reader knows version "
                    + Event.SCHEMA_VERSION + " (a breaking change comes as a new ce_type)");
        }
    }

    /** Fails unless {@code variantId} belongs to {@code experimentId}. */
    static void sameExperiment(String experimentId, VariantId variantId, String field) {
        if (!variantId.experimentId().equals(experimentId)) {
            throw new InvalidEventException(field, "\"" + variantId + "\" belongs to experiment \""
                    + variantId.experimentId() + "\", not \"" + experimentId + "\"");
        }
    }

    /** {@code hash}, a lower-case hex SHA-256. */
    static String sha256(String hash, String field) {
        required(hash, field);
        if (!SHA256.matcher(hash).matches()) {
            throw new InvalidEventException(field, "\"" + hash + "\" is not a lower-case hex SHA-256");
        }
        return hash;
    }

    /** {@code variantId}, which must belong to {@code experimentId} and be at {@code stage}. */
    static VariantId variant(VariantId variantId, String field, String experimentId, VariantStage... stages) {
        required(variantId, field);
        sameExperiment(experimentId, variantId, field);
        for (VariantStage stage : stages) {
            if (variantId.stage() == stage) {
                return variantId;
            }
        }
        throw new InvalidEventException(field, "\"" + variantId + "\" is a " + variantId.stage().wireName()
                + " variant; expected " + List.of(stages).stream().map(VariantStage::wireName).toList());
    }

    /** Fails unless {@code n} is the block size in {@code variantId}. */
    static void sameBlockSize(int n, VariantId variantId) {
        if (variantId.n() != n) {
            throw new InvalidEventException("n", "is " + n + " but variantId \"" + variantId + "\" has n = "
                    + variantId.n());
        }
    }

    /** An immutable copy of an experiment's evaluations: at least one, each task once. */
    static List<EvalTaskSettings> evalTasks(List<EvalTaskSettings> tasks) {
        List<EvalTaskSettings> copy = requiredList(tasks, "evalTasks");
        if (copy.isEmpty()) {
            throw new InvalidEventException("evalTasks", "is empty: a variant must be evaluated on something");
        }
        Set<EvalTaskName> seen = new HashSet<>();
        for (int i = 0; i < copy.size(); i++) {
            if (!seen.add(copy.get(i).task())) {
                throw new InvalidEventException("evalTasks[" + i + "].task", copy.get(i).task().wireName()
                        + " is listed twice");
            }
        }
        return copy;
    }

    /** Fails unless {@code healed} is the healed form of the pruned {@code source}, both of {@code experimentId}. */
    static void healedFrom(VariantId healed, VariantId source, String experimentId) {
        variant(healed, "variantId", experimentId, VariantStage.HEALED);
        variant(source, "sourceVariantId", experimentId, VariantStage.PRUNED);
        if (source.n() != healed.n()) {
            throw new InvalidEventException("sourceVariantId", "\"" + source + "\" is not the pruned form of \""
                    + healed + "\"");
        }
    }
}
