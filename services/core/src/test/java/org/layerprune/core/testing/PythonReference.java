package org.layerprune.core.testing;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * Runs the independent float64 numpy implementation (test resource reference/hf_forward.py) on a
 * checkpoint. Tests that need it are skipped where python3 with numpy is missing.
 */
public final class PythonReference {

    private PythonReference() {
    }

    /**
     * @param sequences each run separately by the reference
     * @param greedy    greedy steps from the first sequence, or 0
     * @return the reference's JSON: logits [seq][pos][vocab], hidden_last_token [seq][l][hidden], greedy
     */
    public static JsonNode run(Path model, List<int[]> sequences, int greedy, Path workDir)
            throws IOException, InterruptedException {
        return run(model, sequences, greedy, workDir, List.of());
    }

    /**
     * Runs the reference with decoder layers {@code start .. start + count - 1} left out of the forward pass
     * ({@code --skip-layers START:COUNT}): what the model computes once that block is pruned.
     *
     * @return as {@link #run}, with hidden_last_token holding L - count + 1 states per sequence
     */
    public static JsonNode runSkippingLayers(Path model, List<int[]> sequences, int start, int count, Path workDir)
            throws IOException, InterruptedException {
        return run(model, sequences, 0, workDir, List.of("--skip-layers", start + ":" + count));
    }

    private static JsonNode run(Path model, List<int[]> sequences, int greedy, Path workDir, List<String> options)
            throws IOException, InterruptedException {
        List<String> args = new ArrayList<>(List.of("--model", model.toString()));
        for (int[] ids : sequences) {
            args.add("--ids");
            args.add(IntStream.of(ids).mapToObj(Integer::toString).collect(Collectors.joining(",")));
        }
        if (greedy > 0) {
            args.add("--greedy");
            args.add(Integer.toString(greedy));
        }
        args.addAll(options);
        return runScript("hf_forward.py", args, workDir);
    }

    /**
     * Runs {@code script} (a file of the test resources' reference/ directory) with {@code args} and
     * {@code --out FILE}, and returns the JSON it wrote there.
     */
    public static JsonNode runScript(String script, List<String> args, Path workDir)
            throws IOException, InterruptedException {
        assumeTrue(numpyAvailable(), "python3 with numpy is not available");
        Path out = Files.createTempFile(workDir, "reference", ".json");
        List<String> command = new ArrayList<>(List.of("python3", script(script).toString()));
        command.addAll(args);
        command.add("--out");
        command.add(out.toString());
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String log = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(5, TimeUnit.MINUTES) || process.exitValue() != 0) {
            throw new IllegalStateException("reference failed: " + String.join(" ", command) + "\n" + log);
        }
        return new ObjectMapper().readTree(out.toFile());
    }

    private static Path script(String name) {
        try {
            return Path.of(PythonReference.class.getResource("/reference/" + name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static boolean numpyAvailable() {
        try {
            Process p = new ProcessBuilder("python3", "-c", "import numpy").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }
}
