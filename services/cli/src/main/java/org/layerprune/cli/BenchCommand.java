package org.layerprune.cli;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import org.layerprune.core.bench.ForwardBenchmark;
import org.layerprune.core.bench.HealBenchmark;
import org.layerprune.core.bench.ProbeBenchmark;
import org.layerprune.core.heal.LoraConfig;
import org.layerprune.core.heal.StepTimes;
import org.layerprune.core.model.LlamaModel;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code bench}: throughput measurements, each against a baseline measured in the same run. */
@Command(name = "bench", description = "Benchmarks.", subcommands = {BenchCommand.Forward.class, BenchCommand.Probe.class,
        BenchCommand.Heal.class})
final class BenchCommand {

    /** {@code bench forward}: forward-pass GFLOP/s over plain matmul GFLOP/s on the same engine. */
    @Command(name = "forward", description = {
            "Time the forward pass on random ids and a plain fp32 matrix product of the MLP's shape in the same run.",
            "FLOPs count 2 per multiply-add over all matrix products: projections, lm_head, and attention's",
            "Q K^T and P V over the full S x S square; elementwise ops are not counted."})
    static final class Forward extends Benchmark {

        @Override
        public Integer call() {
            ForwardBenchmark.Result r = measure((model, progress) -> ForwardBenchmark.run(model, rounds.settings(),
                    progress));
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("batch", r.batch());
            out.put("seq", r.seq());
            out.put("tokens_per_second", r.tokensPerSecond());
            out.put("forward_seconds", r.forwardSeconds());
            out.put("forward_gflops", r.forwardGflops());
            out.put("matmul_shape", r.matmulShape());
            out.put("matmul_gflops", r.matmulGflops());
            out.put("ratio", r.ratio());
            print(out, new String[][] {
                    {"batch x seq", r.batch() + " x " + r.seq()},
                    {"forward", String.format("%.3f s (median of %d)", r.forwardSeconds(), rounds.iterations)},
                    {"tokens/s", String.format("%.1f", r.tokensPerSecond())},
                    {"forward GFLOP/s", String.format("%.1f", r.forwardGflops())},
                    {"matmul GFLOP/s", String.format("%.1f  ([%d, %d] x [%d, %d], fp32)", r.matmulGflops(),
                            r.matmulShape()[0], r.matmulShape()[1], r.matmulShape()[1], r.matmulShape()[2])},
                    {"ratio", String.format("%.2f", r.ratio())}});
            return 0;
        }
    }

    /** {@code bench probe}: probing tokens/s over full-forward tokens/s on the same batch, same run. */
    @Command(name = "probe", description = {
            "Time a probe (last-token states at every layer boundary, no final norm, no lm_head) and a full",
            "forward pass with logits for every position on the same random batch, alternating, in one run."})
    static final class Probe extends Benchmark {

        @Override
        public Integer call() {
            ProbeBenchmark.Result r = measure((model, progress) -> ProbeBenchmark.run(model, rounds.settings(),
                    progress));
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("batch", r.batch());
            out.put("seq", r.seq());
            out.put("probe_tokens_per_second", r.probeTokensPerSecond());
            out.put("forward_tokens_per_second", r.forwardTokensPerSecond());
            out.put("ratio", r.ratio());
            print(out, new String[][] {
                    {"batch x seq", r.batch() + " x " + r.seq()},
                    {"probe tokens/s", String.format("%.1f", r.probeTokensPerSecond())},
                    {"forward tokens/s", String.format("%.1f  (with logits)", r.forwardTokensPerSecond())},
                    {"ratio", String.format("%.2f", r.ratio())}});
            return 0;
        }
    }

    /** {@code bench heal}: LoRA training GFLOP/s (frozen base, honest backward) over plain matmul GFLOP/s. */
    @Command(name = "heal", description = {
            "Time LoRA healing updates (forward, backward, clipping, AdamW over the micro-batches) on random ids and",
            "a plain fp32 matrix product of the MLP's shape, alternating, in one run; also an inference forward, and",
            "where each update's time goes. FLOPs count 2 per multiply-add over all matrix products; the backward of",
            "a frozen weight (every projection, lm_head) is its input gradient only, attention's backward is twice",
            "its forward, and the LoRA products' twice theirs (input and factor gradients). NF4 dequantisation and",
            "elementwise ops are not counted."})
    static final class Heal extends Benchmark {

        @Option(names = "--micro-batch", description = "Rows per forward/backward (default: the batch).")
        Integer microBatch;

        @Option(names = "--rank", defaultValue = "64", description = "LoRA rank r (default: ${DEFAULT-VALUE}).")
        int rank;

        @Option(names = "--quant", defaultValue = "nf4", paramLabel = "nf4|nf4-dq|none",
                description = "Frozen base during training: nf4 (QLoRA) or none (default: ${DEFAULT-VALUE}).")
        String quant;

        @Option(names = "--targets", defaultValue = "gate_proj,up_proj,down_proj", split = ",",
                description = "Modules to adapt (default: ${DEFAULT-VALUE}).")
        List<String> targets;

        @Override
        public Integer call() {
            HealBenchmark.Settings settings = new HealBenchmark.Settings(rounds.batch, rounds.seq,
                    microBatch == null ? rounds.batch : microBatch,
                    new LoraConfig(rank, rank, LoraConfig.PAPER_DROPOUT, targets), HealCommand.quantization(quant),
                    rounds.warmup, rounds.iterations, rounds.seed);
            HealBenchmark.Result r = measure((model, progress) -> HealBenchmark.run(model, settings, progress));
            StepTimes t = r.breakdown();
            Map<String, Object> breakdown = new LinkedHashMap<>();
            breakdown.put("forward_seconds", t.forward());
            breakdown.put("dequantize_seconds", t.dequantize());
            breakdown.put("dropout_masks_seconds", t.dropoutMasks());
            breakdown.put("loss_seconds", t.loss());
            breakdown.put("backward_seconds", t.backward());
            breakdown.put("optimizer_seconds", t.optimizer());
            breakdown.put("other_seconds", r.otherSeconds());
            breakdown.put("forward_gflops", r.forwardGflops());
            breakdown.put("backward_gflops", r.backwardGflops());
            breakdown.put("inference_forward_seconds", r.inferenceSeconds());
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("batch", settings.batch());
            out.put("seq", settings.seq());
            out.put("micro_batch", settings.microBatch());
            out.put("rank", settings.lora().rank());
            out.put("targets", settings.lora().targetModules());
            out.put("quant", quant);
            out.put("tokens_per_second", r.tokensPerSecond());
            out.put("step_seconds", r.stepSeconds());
            out.put("step_gflop", r.flops().total() / 1e9);
            out.put("forward_gflop", r.flops().forward() / 1e9);
            out.put("backward_gflop", r.flops().backward() / 1e9);
            out.put("train_gflops", r.trainGflops());
            out.put("matmul_shape", r.matmulShape());
            out.put("matmul_gflops", r.matmulGflops());
            out.put("ratio", r.ratio());
            out.put("breakdown", breakdown);
            print(out, new String[][] {
                    {"batch x seq", String.format("%d x %d in micro-batches of %d", settings.batch(),
                            settings.seq(), settings.microBatch())},
                    {"lora", String.format("rank %d on %s, base %s", settings.lora().rank(),
                            String.join(",", settings.lora().targetModules()), quant)},
                    {"step", String.format("%.3f s (median of %d): %.1f GFLOP (forward %.1f, backward %.1f)",
                            r.stepSeconds(), rounds.iterations, r.flops().total() / 1e9,
                            r.flops().forward() / 1e9, r.flops().backward() / 1e9)},
                    {"tokens/s", String.format("%.1f", r.tokensPerSecond())},
                    {"train GFLOP/s", String.format("%.1f", r.trainGflops())},
                    {"matmul GFLOP/s", String.format("%.1f  ([%d, %d] x [%d, %d], fp32)", r.matmulGflops(),
                            r.matmulShape()[0], r.matmulShape()[1], r.matmulShape()[1], r.matmulShape()[2])},
                    {"ratio", String.format("%.2f", r.ratio())},
                    {"  forward", String.format("%.3f s  (%.1f GFLOP/s)", t.forward(), r.forwardGflops())},
                    {"    NF4 dequantize", String.format("%.3f s", t.dequantize())},
                    {"    dropout masks", String.format("%.3f s", t.dropoutMasks())},
                    {"  loss", String.format("%.3f s", t.loss())},
                    {"  backward", String.format("%.3f s  (%.1f GFLOP/s)", t.backward(), r.backwardGflops())},
                    {"  optimizer", String.format("%.3f s", t.optimizer())},
                    {"  other", String.format("%.3f s", r.otherSeconds())},
                    {"inference forward", String.format("%.3f s  (no graph, fp32 weights)", r.inferenceSeconds())}});
            return 0;
        }
    }

    /** A benchmark: measured on the model of {@code --model}, printed as JSON or as a table. */
    abstract static class Benchmark implements Callable<Integer> {

        @Spec
        CommandSpec spec;

        @Mixin
        ModelOptions options;

        @Mixin
        Rounds rounds;

        /** What {@code benchmark} measures on the model, its progress lines on stderr; the model is closed after. */
        <R> R measure(BiFunction<LlamaModel, Consumer<String>, R> benchmark) {
            try (LlamaModel model = LlamaModel.load(options.model, options.device())) {
                return benchmark.apply(model, line -> spec.commandLine().getErr().println(line));
            }
        }

        /** The result: {@code json} with --json, else {@code table}. */
        void print(Map<String, Object> json, String[][] table) {
            if (rounds.json) {
                Output.json(spec.commandLine().getOut(), json);
            } else {
                Output.table(spec.commandLine().getOut(), table);
            }
        }
    }

    /** The batch shape and rounds every benchmark shares. */
    static final class Rounds {

        @Option(names = "--batch", defaultValue = "4", description = "Batch size (default: ${DEFAULT-VALUE}).")
        int batch;

        @Option(names = "--seq", defaultValue = "512", description = "Sequence length (default: ${DEFAULT-VALUE}).")
        int seq;

        @Option(names = "--warmup", defaultValue = "1", description = "Untimed rounds (default: ${DEFAULT-VALUE}).")
        int warmup;

        @Option(names = "--iterations", defaultValue = "3", description = "Timed rounds (default: ${DEFAULT-VALUE}).")
        int iterations;

        @Option(names = "--seed", defaultValue = "0", description = "Seed of the random ids (default: ${DEFAULT-VALUE}).")
        long seed;

        @Option(names = "--json", description = "Print JSON.")
        boolean json;

        ForwardBenchmark.Settings settings() {
            return new ForwardBenchmark.Settings(batch, seq, warmup, iterations, seed);
        }
    }
}
