package org.layerprune.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.Callable;
import org.layerprune.core.eval.BadRowPolicy;
import org.layerprune.core.eval.EvalResult;
import org.layerprune.core.eval.EvalSettings;
import org.layerprune.core.eval.EvalTask;
import org.layerprune.core.eval.Evaluation;
import org.layerprune.core.eval.MmluData;
import org.layerprune.core.eval.SkippedRow;
import org.layerprune.core.model.LlamaModel;
import org.layerprune.core.tokenizer.Tokenizer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code eval}: validation loss, MMLU or BoolQ, scored as lm-eval-harness scores them. */
@Command(name = "eval", description = {
        "Evaluate a model: loss (mean next-token loss, perplexity, loss / ln V), mmlu (k-shot, default 5) or",
        "boolq (0-shot by default), with lm-eval-harness's prompts and log-likelihood scoring."})
final class EvalCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    ModelOptions options;

    @Option(names = "--task", required = true, paramLabel = "TASK", description = "loss, mmlu or boolq.")
    String task;

    @Option(names = "--data", required = true, paramLabel = "PATH", description = {
            "loss: JSON Lines of {\"text\"} or {\"input_ids\"}; mmlu: Hendrycks' directory (dev/, test/, val/)",
            "or JSON Lines {\"subject\", \"question\", \"choices\", \"answer\"}; boolq: JSON Lines (SuperGLUE or original)."})
    Path data;

    @Option(names = "--fewshot-data", paramLabel = "FILE",
            description = "Shots: MMLU's dev file (JSON Lines layout) or BoolQ's train file.")
    Path fewshotData;

    @Option(names = "--shots", paramLabel = "K", description = "Few-shot examples (default: mmlu 5, boolq 0).")
    Integer shots;

    @Option(names = "--limit", paramLabel = "N",
            description = "At most N sequences (loss), questions per subject (mmlu) or examples (boolq).")
    Integer limit;

    @Option(names = "--split", defaultValue = MmluData.DEFAULT_SPLIT, description = "MMLU split in the Hendrycks layout: test or val (default: ${DEFAULT-VALUE}).")
    String split;

    @Option(names = "--batch-size", defaultValue = "8", description = "Rows per forward pass (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = "--on-bad-row", defaultValue = "stop", paramLabel = "stop|skip",
            description = "At a malformed row: stop naming file and line, or skip it and report it (default: ${DEFAULT-VALUE}).")
    String onBadRow;

    @Option(names = "--json", description = "Print JSON: {\"task\", \"n\", \"metrics\": {...}, \"skipped\": [...]}.")
    boolean json;

    @Override
    public Integer call() throws IOException {
        EvalTask chosen = EvalTask.byName(task);
        EvalSettings settings = new EvalSettings(data, Optional.ofNullable(fewshotData),
                shots == null ? OptionalInt.empty() : OptionalInt.of(shots),
                limit == null ? OptionalInt.empty() : OptionalInt.of(limit), batchSize, policy(), split);
        PrintWriter err = spec.commandLine().getErr();
        EvalResult result;
        Optional<Tokenizer> tokenizer = Tokenizer.fromCheckpoint(options.model);
        try (LlamaModel model = LlamaModel.load(options.model, options.device())) {
            result = Evaluation.run(chosen, model, tokenizer, settings, new ProgressLine(err, chosen.taskName()),
                    () -> false);
        } finally {
            tokenizer.ifPresent(Tokenizer::close);
        }
        result.skipped().forEach(row -> err.println("skipped " + row));
        print(result);
        return 0;
    }

    private BadRowPolicy policy() {
        return switch (onBadRow) {
            case "stop" -> BadRowPolicy.STOP;
            case "skip" -> BadRowPolicy.SKIP;
            default -> throw new IllegalArgumentException("--on-bad-row: expected stop or skip, got \"" + onBadRow + "\"");
        };
    }

    private void print(EvalResult r) {
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("task", r.task());
            doc.put("n", r.n());
            doc.put("metrics", r.metrics());
            doc.put("skipped", r.skipped().stream().map(EvalCommand::skippedRow).toList());
            Output.json(out, doc);
            return;
        }
        out.printf("%s on %d %s%n", r.task(), r.n(), r.task().equals("loss") ? "sequences" : "questions");
        r.metrics().forEach((name, value) -> {
            if (value instanceof Map<?, ?> perGroup) {
                perGroup.forEach((group, v) -> out.printf("  %-40s %s%n", group, format(v)));
            } else {
                out.printf("%-28s %s%n", name, format(value));
            }
        });
        out.flush();
    }

    /** {"file", "line", "reason"} in that order: Map.of's order changes from one JVM to the next. */
    private static Map<String, Object> skippedRow(SkippedRow row) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("file", row.file().toString());
        json.put("line", row.line());
        json.put("reason", row.reason());
        return json;
    }

    private static String format(Object value) {
        return value instanceof Double d ? String.format("%.6f", d) : String.valueOf(value);
    }
}
