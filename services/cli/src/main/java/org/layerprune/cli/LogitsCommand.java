package org.layerprune.cli;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.io.PrintWriter;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.IntStream;
import org.layerprune.core.model.LlamaModel;
import org.layerprune.core.model.TokenBatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code logits}: the next-token logits at every position of one id sequence. */
@Command(name = "logits", description = "Print the logits of every position of a token-id sequence.")
final class LogitsCommand implements Callable<Integer> {

    private static final int TOP = 5;

    @Spec
    CommandSpec spec;

    @Mixin
    ModelOptions options;

    @Option(names = "--ids", required = true, paramLabel = "IDS", description = "Comma-separated token ids.")
    String ids;

    @Option(names = "--json", description = "Print JSON: {\"logits\": [[V floats] per position]}.")
    boolean json;

    @Override
    public Integer call() {
        int[] tokens = Ids.parse("--ids", ids);
        float[][] rows;
        try (LlamaModel model = LlamaModel.load(options.model, options.device());
                NDManager out = NDManager.newBaseManager(model.device(), "PyTorch")) {
            NDArray logits = model.logits(TokenBatch.of(tokens), out).get(0); // [S, V]
            int vocab = (int) logits.getShape().get(1);
            float[] flat = logits.toFloatArray();
            rows = IntStream.range(0, tokens.length)
                    .mapToObj(p -> java.util.Arrays.copyOfRange(flat, p * vocab, (p + 1) * vocab))
                    .toArray(float[][]::new);
        }
        PrintWriter stdout = spec.commandLine().getOut();
        if (json) {
            Map<String, Object> result = new LinkedHashMap<>();
            result.put("logits", rows);
            Output.json(stdout, result);
        } else {
            printTopK(stdout, tokens, rows);
        }
        return 0;
    }

    private static void printTopK(PrintWriter out, int[] tokens, float[][] rows) {
        out.printf("%-8s %-8s top %d next ids (logit)%n", "position", "id", TOP);
        for (int p = 0; p < rows.length; p++) {
            float[] row = rows[p];
            String top = IntStream.range(0, row.length).boxed()
                    .sorted(Comparator.comparingDouble((Integer i) -> -row[i]).thenComparingInt(i -> i))
                    .limit(TOP)
                    .map(i -> String.format("%d (%.4f)", i, row[i]))
                    .reduce((a, b) -> a + "  " + b).orElse("");
            out.printf("%-8d %-8d %s%n", p, tokens[p], top);
        }
        out.flush();
    }
}
