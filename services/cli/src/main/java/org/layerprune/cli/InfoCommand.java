package org.layerprune.cli;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.layerprune.core.checkpoint.Checkpoint;
import org.layerprune.core.model.LlamaConfig;
import org.layerprune.core.model.LlamaModel;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code info}: the shape of a checkpoint, read from config.json and checked against its tensors. */
@Command(name = "info", description = "Describe a checkpoint: architecture, layers, sizes, parameters.")
final class InfoCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--model", required = true, paramLabel = "DIR", description = "Hugging Face checkpoint directory.")
    Path model;

    @Option(names = "--json", description = "Print JSON.")
    boolean json;

    @Override
    public Integer call() {
        LlamaConfig c;
        try (Checkpoint checkpoint = Checkpoint.open(model)) {
            c = LlamaConfig.read(checkpoint.configFile());
            LlamaModel.verify(checkpoint, c);
        }
        Map<String, Object> info = new LinkedHashMap<>();
        info.put("model_type", c.architecture().modelType());
        info.put("layers", c.numHiddenLayers());
        info.put("hidden_size", c.hiddenSize());
        info.put("heads", c.numAttentionHeads());
        info.put("kv_heads", c.numKeyValueHeads());
        info.put("vocab_size", c.vocabSize());
        info.put("parameters", LlamaModel.parameterCount(c));
        if (json) {
            Output.json(spec.commandLine().getOut(), info);
        } else {
            Output.table(spec.commandLine().getOut(), info.entrySet().stream()
                    .map(e -> new String[] {e.getKey(), String.valueOf(e.getValue())}).toArray(String[][]::new));
        }
        return 0;
    }
}
