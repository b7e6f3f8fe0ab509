package org.layerprune.cli;

import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import org.layerprune.core.model.GreedyDecoder;
import org.layerprune.core.model.LlamaModel;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code generate}: greedy continuation of a token-id prompt. */
@Command(name = "generate", description = "Continue a token-id prompt greedily.")
final class GenerateCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    ModelOptions options;

    @Option(names = "--ids", required = true, paramLabel = "IDS", description = "Comma-separated prompt ids.")
    String ids;

    @Option(names = "--steps", defaultValue = "32", paramLabel = "N", description = "New tokens (default: ${DEFAULT-VALUE}).")
    int steps;

    @Option(names = "--json", description = "Print JSON: {\"ids\": [the new ids]}.")
    boolean json;

    @Override
    public Integer call() {
        if (steps < 0) {
            throw new IllegalArgumentException("--steps must be >= 0, got " + steps);
        }
        int[] prompt = Ids.parse("--ids", ids);
        int[] generated;
        try (LlamaModel model = LlamaModel.load(options.model, options.device())) {
            generated = GreedyDecoder.continueGreedy(model, prompt, steps);
        }
        if (json) {
            Output.json(spec.commandLine().getOut(), Map.of("ids", generated));
        } else {
            spec.commandLine().getOut().println(Arrays.stream(generated).mapToObj(Integer::toString)
                    .collect(Collectors.joining(" ")));
            spec.commandLine().getOut().flush();
        }
        return 0;
    }
}
