package org.layerprune.cli;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.layerprune.core.bench.ForwardBenchmark;
import org.layerprune.core.model.LlamaModel;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code bench}: throughput measurements, each against a baseline measured in the same run. */
@Command(name = "bench", description = "Benchmarks.", subcommands = BenchCommand.Forward.class)
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

        @Override
        public Integer call() {
            ForwardBenchmark.Result r;
            try (LlamaModel model = LlamaModel.load(options.model, options.device())) {
                r = ForwardBenchmark.run(model, new ForwardBenchmark.Settings(batch, seq, warmup, iterations, seed),
                        line -> spec.commandLine().getErr().println(line));
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
            if (json) {
                Output.json(spec.commandLine().getOut(), out);
            } else {
                Output.table(spec.commandLine().getOut(), new String[][] {
                        {"batch x seq", r.batch() + " x " + r.seq()},
                        {"forward", String.format("%.3f s (median of %d)", r.forwardSeconds(), iterations)},
                        {"tokens/s", String.format("%.1f", r.tokensPerSecond())},
                        {"forward GFLOP/s", String.format("%.1f", r.forwardGflops())},
                        {"matmul GFLOP/s", String.format("%.1f  ([%d, %d] x [%d, %d], fp32)", r.matmulGflops(),
                                r.matmulShape()[0], r.matmulShape()[1], r.matmulShape()[1], r.matmulShape()[2])},
                        {"ratio", String.format("%.2f", r.ratio())}});
            }
            return 0;
        }
    }
}
