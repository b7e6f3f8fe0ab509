package org.layerprune.core.eval;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.layerprune.core.checkpoint.Checkpoint;
import org.layerprune.core.checkpoint.CheckpointWriter;
import org.layerprune.core.checkpoint.DType;
import org.layerprune.core.checkpoint.TensorData;
import org.layerprune.core.checkpoint.TensorInfo;
import org.layerprune.core.model.RandomCheckpoint;
import org.layerprune.core.model.TensorKeys;
import org.layerprune.core.testing.PythonReference;
import org.layerprune.core.testing.WordTokenizer;
import org.layerprune.core.tokenizer.Tokenizer;

/**
 * Checkpoints for end-to-end evaluation tests, each with a word-level tokenizer.json made from the texts it will
 * read, and the float64 reference's answers (reference/eval_reference.py) to compare with.
 */
final class EvalModels {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** H 32, I 64, 2 layers, 4 heads of 8, 2 kv heads, an untied lm_head; vocab and context set per model. */
    private static final String CONFIG = """
            {"model_type": "llama", "hidden_size": 32, "intermediate_size": 64, "num_hidden_layers": 2,
             "num_attention_heads": 4, "num_key_value_heads": 2, "tie_word_embeddings": false}""";

    /** The residual stream's column that the favouring model reads. */
    private static final int K = 0;

    private EvalModels() {
    }

    /** A random {@code init}-style checkpoint (weights N(0, 0.2)) whose vocabulary holds every word of {@code texts}. */
    static Path random(Path dir, int maxPositions, List<String> texts) throws IOException {
        Path tokenizer = tokenizer(dir, texts);
        RandomCheckpoint.write(config(vocabSize(tokenizer), maxPositions), DType.F32, 7, 0.2, Long.MAX_VALUE, dir);
        Files.copy(tokenizer.resolve("tokenizer.json"), dir.resolve("tokenizer.json"));
        return dir;
    }

    /**
     * A checkpoint that always predicts {@code word}. Every decoder-layer weight is zero but the two layer norms
     * (ones), so attention and MLP add nothing and the residual stream is the token's embedding. Every embedding
     * row is 1 in column k and small noise elsewhere; the final norm keeps column k alone (weight e_k), and only
     * {@code word}'s row of lm_head is non-zero (10 e_k). The last position's logits are then 10 x_k / rms(x) > 0
     * for {@code word} and 0 for every other token, whatever the prompt.
     */
    static Path favouring(Path dir, String word, int maxPositions, List<String> texts) throws IOException {
        Path tokenizerDir = tokenizer(dir, texts);
        int vocab = vocabSize(tokenizerDir);
        int favoured;
        try (Tokenizer tokenizer = Tokenizer.fromCheckpoint(tokenizerDir).orElseThrow()) {
            int[] ids = tokenizer.encodeWithoutSpecialTokens(word);
            assertTrue(ids.length == 1 && ids[0] > 2, word + " is one known word: " + Arrays.toString(ids));
            favoured = ids[0];
        }
        ObjectNode config = config(vocab, maxPositions);
        Path template = dir.resolveSibling(dir.getFileName() + "-template");
        RandomCheckpoint.write(config, DType.F32, 1, 0.02, Long.MAX_VALUE, template);
        SplittableRandom noise = new SplittableRandom(11);
        List<TensorData> tensors = new ArrayList<>();
        try (Checkpoint shapes = Checkpoint.open(template)) {
            for (TensorInfo t : shapes.tensors()) {
                long[] shape = t.shape();
                float[] values = new float[Math.toIntExact(t.numel())];
                int hidden = (int) shape[shape.length - 1];
                // V vocab, H hidden: embed_tokens and lm_head [V, H], the norms [H], layer matrices [out, in]
                if (t.name().equals(TensorKeys.EMBED_TOKENS)) {
                    for (int i = 0; i < values.length; i++) {
                        values[i] = i % hidden == K ? 1f : (float) (0.01 * (noise.nextDouble() - 0.5));
                    }
                } else if (t.name().equals(TensorKeys.NORM)) {
                    values[K] = 1f;
                } else if (t.name().equals(TensorKeys.LM_HEAD)) {
                    values[favoured * hidden + K] = 10f;
                } else if (t.name().endsWith("layernorm.weight")) {
                    Arrays.fill(values, 1f);
                } // every other decoder-layer weight stays zero
                tensors.add(new TensorData(t.name(), DType.F32, shape, littleEndian(values)));
            }
        }
        CheckpointWriter.to(dir).write(JSON.writeValueAsString(config), tensors,
                List.of(tokenizerDir.resolve("tokenizer.json")));
        return dir;
    }

    /** The requests as the scorer encodes them: ids without special tokens, split as the harness splits them. */
    static List<EncodedRequest> encode(List<ChoiceRequest> requests, Tokenizer tokenizer) {
        return requests.stream().map(r -> EncodedRequest.of(r, tokenizer::encodeWithoutSpecialTokens)).toList();
    }

    /**
     * The float64 reference's answer to each request: the first continuation with the largest summed
     * log-probability. Fails when two continuations come within 1e-3 of each other, where float32 could choose
     * the other.
     */
    static int[] referenceAnswers(Path model, List<EncodedRequest> encoded, Path tmp) throws Exception {
        JsonNode ref = referenceLogLikelihoods(model, encoded, tmp);
        int[] answers = new int[encoded.size()];
        for (int q = 0; q < answers.length; q++) {
            JsonNode scores = ref.get("loglikelihoods").get(q);
            int best = 0;
            for (int c = 1; c < scores.size(); c++) {
                best = scores.get(c).asDouble() > scores.get(best).asDouble() ? c : best;
            }
            for (int c = 0; c < scores.size(); c++) {
                double gap = scores.get(best).asDouble() - scores.get(c).asDouble();
                assertTrue(c == best || gap > 1e-3, "question " + q + " has a near tie: " + scores);
            }
            answers[q] = best;
        }
        return answers;
    }

    /** The float64 reference's summed log-probability of every continuation: {"loglikelihoods": [[...]]}. */
    static JsonNode referenceLogLikelihoods(Path model, List<EncodedRequest> encoded, Path tmp) throws Exception {
        ArrayNode requests = JSON.createArrayNode();
        for (EncodedRequest e : encoded) {
            ObjectNode r = requests.addObject();
            ArrayNode context = r.putArray("context");
            for (int id : e.context()) {
                context.add(id);
            }
            ArrayNode continuations = r.putArray("continuations");
            for (int[] c : e.continuations()) {
                ArrayNode ids = continuations.addArray();
                for (int id : c) {
                    ids.add(id);
                }
            }
        }
        Path file = Files.createTempFile(tmp, "requests", ".json");
        Files.writeString(file, JSON.writeValueAsString(requests));
        return PythonReference.runScript("eval_reference.py",
                List.of("--model", model.toString(), "--requests", file.toString()), tmp);
    }

    /**
     * What the reference's answers score.
     *
     * @param accuracy correct / questions
     * @param perGroup each group's correct / questions, groups sorted
     */
    record Expected(double accuracy, Map<String, Double> perGroup) {

        /** The mean of the groups' accuracies. */
        double macro() {
            double sum = 0;
            for (double a : perGroup.values()) {
                sum += a;
            }
            return sum / perGroup.size();
        }
    }

    /** The accuracies of {@code answers} (continuation indices, one per request). */
    static Expected expected(List<ChoiceRequest> requests, int[] answers) {
        Map<String, int[]> counts = new TreeMap<>(); // group -> {correct, questions}
        int correct = 0;
        for (int q = 0; q < requests.size(); q++) {
            int right = answers[q] == requests.get(q).gold() ? 1 : 0;
            int[] c = counts.computeIfAbsent(requests.get(q).group(), g -> new int[2]);
            c[0] += right;
            c[1]++;
            correct += right;
        }
        Map<String, Double> perGroup = new TreeMap<>();
        counts.forEach((group, c) -> perGroup.put(group, (double) c[0] / c[1]));
        return new Expected((double) correct / requests.size(), perGroup);
    }

    private static Path tokenizer(Path dir, List<String> texts) throws IOException {
        Path tokenizer = Files.createDirectories(dir.resolveSibling(dir.getFileName() + "-tokenizer"));
        WordTokenizer.write(tokenizer, texts);
        return tokenizer;
    }

    private static int vocabSize(Path tokenizerDir) throws IOException {
        try (Tokenizer tokenizer = Tokenizer.fromCheckpoint(tokenizerDir).orElseThrow()) {
            return tokenizer.vocabSize();
        }
    }

    private static ObjectNode config(int vocabSize, int maxPositions) throws IOException {
        ObjectNode config = (ObjectNode) JSON.readTree(CONFIG);
        config.put("vocab_size", vocabSize);
        config.put("max_position_embeddings", maxPositions);
        config.put("torch_dtype", "float32");
        return config;
    }

    private static ByteBuffer littleEndian(float[] values) {
        ByteBuffer bytes = ByteBuffer.allocate(values.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) {
            bytes.putFloat(v);
        }
        return bytes.flip();
    }
}
