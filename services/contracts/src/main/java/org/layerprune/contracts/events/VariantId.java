package org.layerprune.contracts.events;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Names one model of an experiment: {@code <experimentId>-n<N>-<stage>}, e.g. {@code demo-n0-baseline} (the unpruned
 * model), {@code demo-n2-pruned} and {@code demo-n2-healed}. Each id is one checkpoint, so it keys that model's events
 * and names its directories; the block size and stage can be read back from it, the last {@code -n} counting (an
 * experiment id may itself contain "-n").
 *
 * @param experimentId the experiment
 * @param n the layers removed, 0 to 9999; 0 exactly for the baseline
 * @param stage baseline, pruned or healed
 */
public record VariantId(String experimentId, int n, VariantStage stage) {

    private static final Pattern PATTERN = Pattern.compile("(" + ExperimentIds.REGEX + ")-n(0|[1-9][0-9]{0,3})-("
            + "baseline|pruned|healed)");

    public VariantId {
        ExperimentIds.require(experimentId, "experimentId");
        Fields.required(stage, "stage");
        if (n < 0 || n > 9999) {
            throw new InvalidEventException("n", n + " is not a block size in 0..9999");
        }
        if ((n == 0) != (stage == VariantStage.BASELINE)) {
            throw new InvalidEventException("stage", "is " + stage.wireName() + " with n = " + n
                    + "; the baseline, and only it, has n = 0");
        }
    }

    /** The unpruned model of {@code experimentId}. */
    public static VariantId baseline(String experimentId) {
        return new VariantId(experimentId, 0, VariantStage.BASELINE);
    }

    /** {@code experimentId}'s model with {@code n} layers removed. */
    public static VariantId pruned(String experimentId, int n) {
        return new VariantId(experimentId, n, VariantStage.PRUNED);
    }

    /** The pruned variant after healing. */
    public VariantId healed() {
        if (stage != VariantStage.PRUNED) {
            throw new IllegalStateException(this + " is not a pruned variant: only those are healed");
        }
        return new VariantId(experimentId, n, VariantStage.HEALED);
    }

    /**
     * Reads an id written by {@link #toString}.
     *
     * @throws IllegalArgumentException saying what a variant id looks like
     */
    @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
    public static VariantId parse(String text) {
        Matcher m = PATTERN.matcher(text);
        if (!m.matches()) {
            throw new IllegalArgumentException("\"" + text + "\" is not a variant id: expected"
                    + " <experimentId>-n0-baseline or <experimentId>-n<N>-pruned|healed");
        }
        VariantStage stage = VariantStage.valueOf(m.group(3).toUpperCase(Locale.ROOT));
        return new VariantId(m.group(1), Integer.parseInt(m.group(2)), stage);
    }

    @JsonValue
    @Override
    public String toString() {
        return experimentId + "-n" + n + "-" + stage.wireName();
    }
}
