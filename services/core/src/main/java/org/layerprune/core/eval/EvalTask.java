package org.layerprune.core.eval;

import java.util.Arrays;
import java.util.stream.Collectors;

/** The evaluations the paper reports. */
public enum EvalTask {
    /** Validation loss, perplexity and loss / ln V. */
    LOSS("loss", 0),
    /** MMLU accuracy, 5-shot by default. */
    MMLU("mmlu", 5),
    /** BoolQ accuracy, 0-shot by default. */
    BOOLQ("boolq", 0);

    private final String taskName;
    private final int defaultShots;

    EvalTask(String taskName, int defaultShots) {
        this.taskName = taskName;
        this.defaultShots = defaultShots;
    }

    public String taskName() {
        return taskName;
    }

    /** The paper's number of few-shot examples for this task. */
    public int defaultShots() {
        return defaultShots;
    }

    /** @throws IllegalArgumentException naming the unknown task and the known ones */
    public static EvalTask byName(String name) {
        for (EvalTask t : values()) {
            if (t.taskName.equals(name)) {
                return t;
            }
        }
        throw new IllegalArgumentException("unknown task \"" + name + "\" (known: "
                + Arrays.stream(values()).map(EvalTask::taskName).collect(Collectors.joining(", ")) + ")");
    }
}
