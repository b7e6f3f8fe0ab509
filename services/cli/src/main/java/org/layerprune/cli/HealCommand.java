package org.layerprune.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.concurrent.Callable;
import org.layerprune.core.heal.HealData;
import org.layerprune.core.heal.HealResult;
import org.layerprune.core.heal.HealSettings;
import org.layerprune.core.heal.Healer;
import org.layerprune.core.heal.LoraConfig;
import org.layerprune.core.heal.LoraTrainer.Quantization;
import org.layerprune.core.model.LlamaModel;
import org.layerprune.core.tokenizer.Tokenizer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code heal}: QLoRA healing of a pruned checkpoint, resumable, ending in a PEFT adapter and a merged model. */
@Command(name = "heal", description = {
        "Heal a pruned model with LoRA on a frozen (NF4 by default) base, as the paper does: AdamW, cosine schedule",
        "with warmup, gradient clipping at 1.0, packed sequences. Writes OUT/adapter (PEFT), OUT/merged (a checkpoint",
        "to ship), OUT/training-log.jsonl and OUT/heal.json. Run the same command again after a crash to resume."})
final class HealCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    ModelOptions options;

    @Option(names = "--data", required = true, paramLabel = "FILE",
            description = "Training text: JSON Lines of {\"text\"} or {\"input_ids\"}, packed into rows.")
    Path data;

    @Option(names = "--eval-data", paramLabel = "FILE",
            description = "Held-out JSON Lines for the validation loss before, during and after.")
    Path evalData;

    @Option(names = "--eval-limit", defaultValue = "256", paramLabel = "N",
            description = "Validation sequences used, the file's first N (default: ${DEFAULT-VALUE}).")
    int evalLimit;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Output directory.")
    Path out;

    @Option(names = "--steps", defaultValue = "5000", description = "Optimizer updates (default: ${DEFAULT-VALUE}).")
    int steps;

    @Option(names = "--batch-size", defaultValue = "16", description = "Rows per update, the global batch (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = "--micro-batch-size", defaultValue = "4",
            description = "Rows per forward/backward; gradients accumulate to the batch (default: ${DEFAULT-VALUE}).")
    int microBatchSize;

    @Option(names = "--seq-len", defaultValue = "2048",
            description = "Tokens per packed row, cut to the model's context (default: ${DEFAULT-VALUE}).")
    int seqLen;

    @Option(names = "--rank", defaultValue = "64", description = "LoRA rank r (default: ${DEFAULT-VALUE}).")
    int rank;

    @Option(names = "--alpha", description = "LoRA alpha (default: the rank, so scale 1).")
    Double alpha;

    @Option(names = "--dropout", defaultValue = "0.05", description = "LoRA dropout (default: ${DEFAULT-VALUE}).")
    double dropout;

    @Option(names = "--targets", defaultValue = "gate_proj,up_proj,down_proj", split = ",",
            description = "Modules to adapt (default: ${DEFAULT-VALUE}).")
    List<String> targets;

    @Option(names = "--lr", defaultValue = "3e-4", description = "Peak learning rate (default: ${DEFAULT-VALUE}).")
    double lr;

    @Option(names = "--warmup", defaultValue = "100", description = "Warmup updates (default: ${DEFAULT-VALUE}).")
    int warmup;

    @Option(names = "--quant", defaultValue = "nf4", paramLabel = "nf4|nf4-dq|none",
            description = "Frozen base during training: nf4 (QLoRA), nf4-dq (with double-quantised scales) or none (default: ${DEFAULT-VALUE}).")
    String quant;

    @Option(names = "--seed", defaultValue = "42", description = "Data order, initialisation, dropout (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--eval-every", defaultValue = "250",
            description = "Updates between validation losses, 0 for before and after only (default: ${DEFAULT-VALUE}).")
    int evalEvery;

    @Option(names = "--checkpoint-every", defaultValue = "100",
            description = "Updates between resumable checkpoints (default: ${DEFAULT-VALUE}).")
    int checkpointEvery;

    @Option(names = "--eval-batch-size", defaultValue = "4", description = "Rows per validation forward (default: ${DEFAULT-VALUE}).")
    int evalBatchSize;

    @Option(names = "--json", description = "Print the result as JSON: {\"steps\", \"tokens\", \"train_loss\", "
            + "\"eval_loss_before\", \"eval_loss_after\", \"adapter\", \"merged\", \"seconds\", ...}.")
    boolean json;

    @Override
    public Integer call() throws IOException {
        HealSettings settings = new HealSettings(new LoraConfig(rank, alpha == null ? rank : alpha, dropout, targets),
                quantization(quant), steps, batchSize, microBatchSize, seqLen, lr, warmup, seed, evalEvery, checkpointEvery,
                evalBatchSize);
        PrintWriter err = spec.commandLine().getErr();
        Optional<Tokenizer> tokenizer = Tokenizer.fromCheckpoint(options.model);
        HealResult result;
        try (LlamaModel model = LlamaModel.load(options.model, options.device())) {
            int context = settings.forModel(model.config()).seqLen();
            List<int[]> docs = HealData.trainingDocuments(data, tokenizer);
            List<int[]> evalSequences = evalData == null ? List.of()
                    : HealData.validationSequences(evalData, tokenizer, context, evalLimit);
            Healer.Inputs inputs = new Healer.Inputs(options.model, model, docs, evalSequences);
            result = Healer.run(inputs, settings, out, new HealProgressBar(err, System.console() != null),
                    () -> false);
        } finally {
            tokenizer.ifPresent(Tokenizer::close);
        }
        print(result);
        return 0;
    }

    /** {@code --quant}'s value as the trainer's setting. */
    static Quantization quantization(String quant) {
        return switch (quant) {
            case "nf4" -> Quantization.NF4;
            case "nf4-dq" -> Quantization.NF4_DQ;
            case "none" -> Quantization.NONE;
            default -> throw new IllegalArgumentException("--quant: expected nf4, nf4-dq or none, got \"" + quant + "\"");
        };
    }

    private void print(HealResult r) {
        PrintWriter stdout = spec.commandLine().getOut();
        if (json) {
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("steps", r.steps());
            doc.put("tokens", r.tokens());
            doc.put("train_loss", r.trainLoss());
            doc.put("eval_loss_before", orNull(r.evalLossBefore()));
            doc.put("eval_loss_after", orNull(r.evalLossAfter()));
            doc.put("adapter", r.adapter().toString());
            doc.put("merged", r.merged().toString());
            doc.put("seconds", r.seconds());
            doc.put("resumed_from", r.resumedFrom());
            doc.put("log", out.toAbsolutePath().normalize().resolve(Healer.LOG_FILE).toString());
            Output.json(stdout, doc);
            return;
        }
        stdout.printf(Locale.ROOT, "healed %d updates, %d tokens, train loss %.4f, %.1f s%n", r.steps(), r.tokens(),
                r.trainLoss(), r.seconds());
        if (r.evalLossBefore().isPresent() && r.evalLossAfter().isPresent()) {
            stdout.printf(Locale.ROOT, "eval loss %.6f -> %.6f%n", r.evalLossBefore().getAsDouble(),
                    r.evalLossAfter().getAsDouble());
        }
        stdout.printf("adapter %s%nmerged  %s%n", r.adapter(), r.merged());
        stdout.flush();
    }

    private static Object orNull(OptionalDouble value) {
        return value.isPresent() ? value.getAsDouble() : null;
    }
}
