package org.layerprune.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code submit}: an experiment to a running pipeline, {@code POST /experiments}. The body starts from the server's
 * template ({@code GET /experiments/template}, every setting filled in), then {@code --file}, then the flags; without a
 * template (a server that answers 404) the file must hold every setting.
 */
@Command(name = "submit", sortOptions = false, mixinStandardHelpOptions = true, description = {
        "Submit an experiment to a running pipeline and print its id.",
        "POST /experiments. The request starts from the server's template (GET /experiments/template), then",
        "--file (a partial or whole experiments.requested body; null leaves a setting out), then the flags.",
        "The server checks it; when it refuses, every field at fault is printed (exit 1)."})
final class SubmitCommand implements Callable<Integer> {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    @Spec
    CommandSpec spec;

    @Mixin
    ControlOptions control;

    @Option(names = "--file", paramLabel = "FILE.json",
            description = "An experiments.requested body, partial or whole, laid over the template.")
    Path file;

    @Option(names = "--id", paramLabel = "ID", description = "experimentId (default: the server assigns exp-<12 hex>).")
    String id;

    @Option(names = "--model", paramLabel = "REF",
            description = "A checkpoint directory under the artifact root, or hf:owner/name[@revision].")
    String model;

    @Option(names = "--calib-data", paramLabel = "REF", description = "calibration.data: the probe's sequences.")
    String calibData;

    @Option(names = "--samples", paramLabel = "N", description = "calibration.samples.")
    Integer samples;

    @Option(names = "--max-length", paramLabel = "N", description = "calibration.maxLength: tokens per sequence.")
    Integer maxLength;

    @Option(names = "--metric", paramLabel = "METRIC", description = "angular-last-token (the paper's),"
            + " angular-all-tokens, block-influence, relative-magnitude, l2-last-token or loss.")
    String metric;

    @Option(names = "--block-sizes", paramLabel = "all|N,N,...", description = "The block sizes n to prune at.")
    String blockSizes;

    @Option(names = "--strategy", paramLabel = "similarity|simple",
            description = "similarity: drop l*(n); simple: the deepest n layers before the last.")
    String strategy;

    @Option(names = "--heal-data", paramLabel = "REF", description = "heal.data: the healing sequences.")
    String healData;

    @Option(names = "--eval-data", paramLabel = "REF",
            description = "heal.evalData and the loss task's data: the held-out sequences.")
    String evalData;

    @Option(names = "--steps", paramLabel = "N", description = "heal.steps: optimizer updates of each heal.")
    Integer steps;

    @Option(names = "--warmup", paramLabel = "N", description = "heal.warmupSteps.")
    Integer warmup;

    @Option(names = "--lr", paramLabel = "RATE", description = "heal.learningRate: the peak rate.")
    Double lr;

    @Option(names = "--rank", paramLabel = "R", description = "heal.rank: LoRA r.")
    Integer rank;

    @Option(names = "--alpha", paramLabel = "ALPHA", description = "heal.alpha: LoRA alpha (the update is scaled by"
            + " alpha / r).")
    Double alpha;

    @Option(names = "--dropout", paramLabel = "P", description = "heal.dropout: LoRA dropout.")
    Double dropout;

    @Option(names = "--quant", paramLabel = "nf4|nf4-dq|none", description = "heal.quant: the frozen base's format.")
    String quant;

    @Option(names = "--targets", paramLabel = "MODULE,...", split = ",",
            description = "heal.targets, e.g. gate_proj,up_proj,down_proj.")
    List<String> targets;

    @Option(names = "--batch-size", paramLabel = "N", description = "heal.batchSize: sequences per update.")
    Integer batchSize;

    @Option(names = "--seq-len", paramLabel = "N", description = "heal.sequenceLength: tokens per packed sequence.")
    Integer seqLen;

    @Option(names = "--checkpoint-every", paramLabel = "N", description = "heal.checkpointEvery.")
    Integer checkpointEvery;

    @Option(names = "--tasks", paramLabel = "TASK,...", split = ",",
            description = "evalTasks: loss, mmlu, boolq (a task already in the template or file keeps its settings).")
    List<String> tasks;

    @Option(names = "--mmlu-data", paramLabel = "REF", description = "The mmlu task's data (the test split).")
    String mmluData;

    @Option(names = "--boolq-data", paramLabel = "REF", description = "The boolq task's data.")
    String boolqData;

    @Option(names = "--eval-limit", paramLabel = "N", description = "The loss task's limit: its first N sequences.")
    Integer evalLimit;

    @Option(names = "--dry-run", description = "Print the body that would be sent, send nothing.")
    boolean dryRun;

    @Option(names = "--json", description = "Print the server's answer: {\"experimentId\", \"state\", \"view\","
            + " \"events\"}.")
    boolean json;

    @Override
    public Integer call() throws IOException {
        ControlApi api = control.api();
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        ObjectNode body = body(template(api));
        if (dryRun) {
            out.println(body.toPrettyString());
            out.flush();
            return 0;
        }
        ControlApi.Answer answer = api.post("/experiments", JSON.writeValueAsBytes(body));
        if (answer.status() != 202) {
            throw api.failure("POST", "/experiments", answer);
        }
        JsonNode submitted = answer.json();
        String experimentId = submitted.path("experimentId").asText();
        Output.jsonOrText(out, json, submitted, () -> experimentId + System.lineSeparator());
        err.printf("submitted to %s; follow it with: layerprune watch %s%n", api.base(), experimentId);
        err.flush();
        return 0;
    }

    /**
     * The server's template, or null when it has none (404: a server from before the template). Any other answer is
     * an error: a template that exists but cannot be read must not silently be replaced by nothing.
     */
    private static ObjectNode template(ControlApi api) {
        ControlApi.Answer answer = api.get("/experiments/template", "application/json");
        if (answer.status() == 404) {
            return null;
        }
        if (answer.status() != 200) {
            throw api.failure("GET", "/experiments/template", answer);
        }
        if (!(answer.json() instanceof ObjectNode template)) {
            throw new IllegalStateException("GET " + api.uri("/experiments/template") + " is not a JSON object");
        }
        return template;
    }

    /** The template (null: none), the file over it, the flags over both. */
    ObjectNode body(ObjectNode template) throws IOException {
        ObjectNode body = template == null ? NODES.objectNode() : template;
        if (file != null) {
            body = RequestBody.overlay(body, readFile());
        }
        body = RequestBody.overlay(body, flags());
        if (tasks != null) {
            body = RequestBody.withTasks(body, tasks.stream().map(String::strip).toList());
        }
        body = taskSetting(body, "loss", "data", evalData);
        body = taskSetting(body, "mmlu", "data", mmluData);
        body = taskSetting(body, "boolq", "data", boolqData);
        body = taskSetting(body, "loss", "limit", evalLimit);
        if (template == null) {
            List<String> missing = RequestBody.missing(body);
            if (!missing.isEmpty()) {
                throw new IllegalArgumentException("the control service at " + control.url + " has no template"
                        + " (GET /experiments/template answered 404), so --file and the flags must give every setting;"
                        + " missing: " + String.join(", ", missing));
            }
        }
        return body;
    }

    private JsonNode readFile() throws IOException {
        JsonNode node;
        try {
            node = JSON.readTree(Files.readString(file));
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException("--file: " + file + " does not exist", e);
        } catch (IOException e) {
            throw new IllegalArgumentException("--file: " + file + " is not JSON: " + e.getMessage(), e);
        }
        if (node == null || !node.isObject()) {
            throw new IllegalArgumentException("--file: " + file + " is not a JSON object (an experiments.requested"
                    + " body)");
        }
        return node;
    }

    /** The flags given, as a partial body. */
    private ObjectNode flags() {
        ObjectNode flags = NODES.objectNode();
        given(flags, "experimentId", id);
        if (model != null) {
            flags.set("model", RequestBody.model(model));
        }
        given(flags, "calibration.data", calibData);
        given(flags, "calibration.samples", samples);
        given(flags, "calibration.maxLength", maxLength);
        given(flags, "metric", metric);
        if (blockSizes != null) {
            flags.set("blockSizes", RequestBody.blockSizes(blockSizes));
        }
        given(flags, "strategy", strategy);
        given(flags, "heal.data", healData);
        given(flags, "heal.evalData", evalData);
        given(flags, "heal.steps", steps);
        given(flags, "heal.warmupSteps", warmup);
        given(flags, "heal.learningRate", lr);
        given(flags, "heal.rank", rank);
        given(flags, "heal.alpha", alpha);
        given(flags, "heal.dropout", dropout);
        given(flags, "heal.quant", quant);
        if (targets != null) {
            RequestBody.put(flags, "heal.targets", RequestBody.strings(targets));
        }
        given(flags, "heal.batchSize", batchSize);
        given(flags, "heal.sequenceLength", seqLen);
        given(flags, "heal.checkpointEvery", checkpointEvery);
        return flags;
    }

    /** Sets a flag's value (a string or number) at {@code path}; a flag not given (null) sets nothing. */
    private static void given(ObjectNode flags, String path, Object value) {
        if (value != null) {
            RequestBody.put(flags, path, JSON.valueToTree(value));
        }
    }

    /** {@code body} with {@code field} of {@code task} set to a flag's value; as it is when the flag was not given. */
    private static ObjectNode taskSetting(ObjectNode body, String task, String field, Object value) {
        return value == null ? body : RequestBody.taskSetting(body, task, field, JSON.valueToTree(value));
    }
}
