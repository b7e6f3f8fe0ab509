package org.layerprune.cli;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.layerprune.core.bench.ForwardBenchmark;
import org.layerprune.core.bench.ProbeBenchmark;
import org.layerprune.core.model.LlamaModel;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code bench}: throughput measurements, each against a baseline measured in the same run. */
@Command(name = "bench", description = "Benchmarks.", subcommands = {BenchCommand.Forward.class, BenchCommand.Probe.class})
final class BenchCommand {

    /** {@code bench forward}: forward-pass GFLOP/s over plain matmul GFLOP/s on the same engine. */
    @Command(name = "forward", description = {
            "Time the forward pass on random ids and a plain fp32 matrix product of the MLP's shape in the same run.",
            "FLOPs count 2 per multiply-add over all matrix products: projections, lm_head, and attention's",
            "Q K^T and P V over the full S x S square; elementwise ops are not counted."})
    static final class Forward implements Callable<Integer> {

        @Spec
        CommandSpec spec;

        @Mixin
        ModelOptions options;

        @Mixin
        Rounds rounds;

        @Override
        public Integer call() {
            ForwardBenchmark.Result r;
            try (LlamaModel model = LlamaModel.load(options.model, options.device())) {
                r = ForwardBenchmark.run(model, rounds.settings(), line -> spec.commandLine().getErr().println(line));
            }
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("batch", r.batch());
            out.put("seq", r.seq());
            out.put("tokens_per_second", r.tokensPerSecond());
            out.put("forward_seconds", r.forwardSeconds());
            out.put("forward_gflops", r.forwardGflops());
            out.put("matmul_shape", r.matmulShape());
            out.put("matmul_gflops", r.matmulGflops());
            out.put("ratio", r.ratio());
            if (rounds.json) {
                Output.json(spec.commandLine().getOut(), out);
            } else {
                Output.table(spec.commandLine().getOut(), new String[][] {
                        {"batch x seq", r.batch() + " x " + r.seq()},
                        {"forward", String.format("%.3f s (median of %d)", r.forwardSeconds(), rounds.iterations)},
                        {"tokens/s", String.format("%.1f", r.tokensPerSecond())},
                        {"forward GFLOP/s", String.format("%.1f", r.forwardGflops())},
                        {"matmul GFLOP/s", String.format("%.1f  ([%d, %d] x [%d, %d], fp32)", r.matmulGflops(),
                                r.matmulShape()[0], r.matmulShape()[1], r.matmulShape()[1], r.matmulShape()[2])},
                        {"ratio", String.format("%.2f", r.ratio())}});
            }
            return 0;
        }
    }

    /** {@code bench probe}: probing tokens/s over full-forward tokens/s on the same batch, same run. */
    @Command(name = "probe", description = {
            "Time a probe (last-token states at every layer boundary, no final norm, no lm_head) and a full",
            "forward pass with logits for every position on the same random batch, alternating, in one run."})
    static final class Probe implements Callable<Integer> {

        @Spec
        CommandSpec spec;

        @Mixin
        ModelOptions options;

        @Mixin
        Rounds rounds;

        @Override
        public Integer call() {
            ProbeBenchmark.Result r;
            try (LlamaModel model = LlamaModel.load(options.model, options.device())) {
                r = ProbeBenchmark.run(model, rounds.settings(), line -> spec.commandLine().getErr().println(line));
            }
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("batch", r.batch());
            out.put("seq", r.seq());
            out.put("probe_tokens_per_second", r.probeTokensPerSecond());
            out.put("forward_tokens_per_second", r.forwardTokensPerSecond());
            out.put("ratio", r.ratio());
            if (rounds.json) {
                Output.json(spec.commandLine().getOut(), out);
            } else {
                Output.table(spec.commandLine().getOut(), new String[][] {
                        {"batch x seq", r.batch() + " x " + r.seq()},
                        {"probe tokens/s", String.format("%.1f", r.probeTokensPerSecond())},
                        {"forward tokens/s", String.format("%.1f  (with logits)", r.forwardTokensPerSecond())},
                        {"ratio", String.format("%.2f", r.ratio())}});
            }
            return 0;
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
