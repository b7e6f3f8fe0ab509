package org.layerprune.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.layerprune.core.checkpoint.DType;
import org.layerprune.core.model.RandomCheckpoint;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code init}: a randomly initialised checkpoint of any supported shape, for tests and benchmarks. */
@Command(name = "init", description = "Write a random-initialised checkpoint in Hugging Face layout.")
final class InitCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--config", required = true, paramLabel = "FILE.json",
            description = "A config.json (model_type llama, mistral or qwen2 and its sizes).")
    Path config;

    @Option(names = "--seed", defaultValue = "0", description = "Random seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--dtype", defaultValue = "F32", description = "F32 or BF16 (default: ${DEFAULT-VALUE}).")
    String dtype;

    @Option(names = "--std", defaultValue = "0.02",
            description = "Standard deviation of the weights (default: ${DEFAULT-VALUE}).")
    double std;

    @Option(names = "--max-shard-size", defaultValue = "5GB", paramLabel = "SIZE",
            description = "Shard the weights above this size, e.g. 500MB, 2GB, 1048576 (default: ${DEFAULT-VALUE}).")
    String maxShardSize;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Output directory (must not exist).")
    Path out;

    @Override
    public Integer call() throws IOException {
        JsonNode node;
        try {
            node = new ObjectMapper().readTree(Files.readAllBytes(config));
        } catch (IOException e) {
            throw new IllegalArgumentException(config + ": cannot read config: " + e.getMessage());
        }
        if (!(node instanceof ObjectNode object)) {
            throw new IllegalArgumentException(config + ": expected a JSON object");
        }
        DType type = switch (dtype.toUpperCase(java.util.Locale.ROOT)) {
            case "F32", "FLOAT32" -> DType.F32;
            case "BF16", "BFLOAT16" -> DType.BF16;
            default -> throw new IllegalArgumentException("--dtype: expected F32 or BF16, got \"" + dtype + "\"");
        };
        long maxShardBytes = ByteSize.parse("--max-shard-size", maxShardSize);
        try {
            RandomCheckpoint.write(object, type, seed, std, maxShardBytes, out);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(config + ": " + e.getMessage(), e);
        }
        spec.commandLine().getErr().println("wrote " + out);
        return 0;
    }
}
