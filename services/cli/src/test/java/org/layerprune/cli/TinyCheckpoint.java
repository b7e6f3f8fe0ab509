package org.layerprune.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** A tiny Qwen2 config, and checkpoints written from it by {@code layerprune init}. */
final class TinyCheckpoint {

    /**
     * Qwen2 (q/k/v biases, no o_proj bias), H 32, I 64, 2 layers, N 4 heads of D 8, K 2 kv heads, V 64, and an
     * lm_head tied to the embedding.
     */
    static final String QWEN2_CONFIG = """
            {"model_type": "qwen2", "hidden_size": 32, "intermediate_size": 64, "num_hidden_layers": 2,
             "num_attention_heads": 4, "num_key_value_heads": 2, "vocab_size": 64, "tie_word_embeddings": true}
            """;

    private TinyCheckpoint() {
    }

    /** Writes {@code text} as {@code dir/name}. */
    static Path writeConfig(Path dir, String name, String text) throws IOException {
        return Files.writeString(dir.resolve(name), text);
    }

    /** Runs {@code init} from {@link #QWEN2_CONFIG} into {@code dir/name}, failing the test if it fails. */
    static Path init(Path dir, String name, String... options) throws IOException {
        Path config = writeConfig(dir, name + ".config.json", QWEN2_CONFIG);
        Path out = dir.resolve(name);
        List<String> args = new ArrayList<>(List.of("init", "--config", config.toString(), "--out", out.toString()));
        args.addAll(List.of(options));
        Cli.Result result = Cli.run(args.toArray(String[]::new));
        assertEquals(0, result.exitCode(), result::toString);
        return out;
    }
}
