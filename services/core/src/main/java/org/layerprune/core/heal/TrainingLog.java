package org.layerprune.core.heal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.OptionalDouble;

/**
 * A healing run's log: one JSON object per line, one line per logged optimizer step, in the order of the steps.
 *
 * <p>Each {@link #append(Entry)} writes its whole line and forces it to the file before returning, so a run killed
 * at any moment leaves complete lines and at most one unfinished last line, without its newline. {@link #read(Path)}
 * ignores such a line, and {@link #open(Path)} cuts it off before anything is appended after it. When a run resumes
 * from a checkpoint older than the log's end, {@link #truncateAfter(long)} drops the steps it will run again.
 *
 * <p>A line reads {@code {"step":120,"loss":2.31,"lr":3.0E-4,"grad_norm":0.84,"tokens_per_second":5210.5,
 * "elapsed_seconds":812.2}}, with {@code "eval_loss"} added on steps that evaluated. Non-finite values (a diverged
 * loss) are written as the strings {@code "NaN"}, {@code "Infinity"} and {@code "-Infinity"}.
 */
public final class TrainingLog {

    /**
     * One logged optimizer step.
     *
     * @param step optimizer updates done, at least 0
     * @param loss mean training loss over the tokens of the step
     * @param lr the learning rate of the step
     * @param gradNorm {@code grad_norm}: the gradients' global L2 norm, before clipping
     * @param tokensPerSecond {@code tokens_per_second}: training throughput since the previous entry
     * @param elapsedSeconds {@code elapsed_seconds}: wall time since the run started
     * @param evalLoss {@code eval_loss}: loss on the held-out set, on steps that evaluated
     */
    public record Entry(long step, double loss, double lr, double gradNorm, double tokensPerSecond,
            double elapsedSeconds, OptionalDouble evalLoss) {

        public Entry {
            if (step < 0) {
                throw new IllegalArgumentException("step must be at least 0, not " + step);
            }
            Objects.requireNonNull(evalLoss, "evalLoss");
        }

        /** An entry for a step that did not evaluate. */
        public Entry(long step, double loss, double lr, double gradNorm, double tokensPerSecond,
                double elapsedSeconds) {
            this(step, loss, lr, gradNorm, tokensPerSecond, elapsedSeconds, OptionalDouble.empty());
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path file;

    private TrainingLog(Path file) {
        this.file = file;
    }

    /**
     * The log at {@code file}, created empty if absent; an unfinished last line left by a killed run is cut off.
     *
     * @throws UncheckedIOException naming the file when it cannot be created or repaired
     */
    public static TrainingLog open(Path file) {
        Objects.requireNonNull(file, "file");
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.READ)) {
            long complete = completeLength(Files.readAllBytes(file));
            if (complete < channel.size()) {
                channel.truncate(complete);
                channel.force(true);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the training log " + file + ": " + e.getMessage(), e);
        }
        return new TrainingLog(file);
    }

    /** The file this log writes. */
    public Path file() {
        return file;
    }

    /**
     * Writes {@code entry} as one line at the end of the file and forces it to disk.
     *
     * @throws UncheckedIOException naming the file when it cannot be written
     */
    public void append(Entry entry) {
        byte[] line = (toJson(entry) + "\n").getBytes(StandardCharsets.UTF_8);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.APPEND)) {
            ByteBuffer buffer = ByteBuffer.wrap(line);
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
            channel.force(false);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot append to the training log " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Keeps the entries up to and including {@code step} and drops the rest, by writing the kept lines to a
     * temporary file beside the log and renaming it over the log, so a crash leaves either the old log or the new.
     * The kept lines are copied byte for byte.
     *
     * @throws UncheckedIOException naming the file when it cannot be read, written or renamed atomically
     */
    public void truncateAfter(long step) {
        List<String> lines = completeLines(file);
        List<String> kept = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            if (parse(lines.get(i), file, i + 1).step() <= step) {
                kept.add(lines.get(i));
            }
        }
        Path temp = file.resolveSibling("." + file.getFileName() + ".tmp");
        try {
            Files.writeString(temp, kept.isEmpty() ? "" : String.join("\n", kept) + "\n", StandardCharsets.UTF_8);
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
                channel.force(true);
            }
            Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            try {
                Files.deleteIfExists(temp);
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw new UncheckedIOException("cannot truncate the training log " + file + " after step " + step
                    + ": " + e.getMessage(), e);
        }
    }

    /**
     * The entries of the log at {@code file}, in file order; an unfinished last line (no newline) is ignored.
     *
     * @throws UncheckedIOException naming the file when it cannot be read
     * @throws IllegalArgumentException naming the file and line when a complete line is not an entry
     */
    public static List<Entry> read(Path file) {
        List<String> lines = completeLines(file);
        List<Entry> entries = new ArrayList<>(lines.size());
        for (int i = 0; i < lines.size(); i++) {
            entries.add(parse(lines.get(i), file, i + 1));
        }
        return List.copyOf(entries);
    }

    static String toJson(Entry entry) {
        ObjectNode node = JSON.createObjectNode();
        node.put("step", entry.step());
        putNumber(node, "loss", entry.loss());
        putNumber(node, "lr", entry.lr());
        putNumber(node, "grad_norm", entry.gradNorm());
        putNumber(node, "tokens_per_second", entry.tokensPerSecond());
        putNumber(node, "elapsed_seconds", entry.elapsedSeconds());
        entry.evalLoss().ifPresent(evalLoss -> putNumber(node, "eval_loss", evalLoss));
        try {
            return JSON.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write a log entry as JSON", e);
        }
    }

    private static void putNumber(ObjectNode node, String key, double value) {
        if (Double.isFinite(value)) {
            node.put(key, value);
        } else {
            node.put(key, Double.toString(value)); // NaN, Infinity, -Infinity: strings, since JSON has no such numbers
        }
    }

    private static Entry parse(String line, Path file, int lineNumber) {
        try {
            JsonNode node = JSON.readTree(line);
            if (node == null || !node.isObject()) {
                throw new IllegalArgumentException("not a JSON object");
            }
            JsonNode step = required(node, "step");
            if (!step.canConvertToLong() || !step.isIntegralNumber()) {
                throw new IllegalArgumentException("step is not an integer: " + step);
            }
            JsonNode evalLoss = node.get("eval_loss");
            return new Entry(step.longValue(), number(node, "loss"), number(node, "lr"), number(node, "grad_norm"),
                    number(node, "tokens_per_second"), number(node, "elapsed_seconds"),
                    evalLoss == null || evalLoss.isNull() ? OptionalDouble.empty()
                            : OptionalDouble.of(number(node, "eval_loss")));
        } catch (JsonProcessingException | IllegalArgumentException e) {
            throw new IllegalArgumentException(file + " line " + lineNumber + " is not a training log entry: "
                    + e.getMessage(), e);
        }
    }

    private static JsonNode required(JsonNode node, String key) {
        JsonNode value = node.get(key);
        if (value == null) {
            throw new IllegalArgumentException("no \"" + key + "\"");
        }
        return value;
    }

    private static double number(JsonNode node, String key) {
        JsonNode value = required(node, key);
        if (value.isNumber()) {
            return value.doubleValue();
        }
        return switch (value.isTextual() ? value.textValue() : "") {
            case "NaN" -> Double.NaN;
            case "Infinity" -> Double.POSITIVE_INFINITY;
            case "-Infinity" -> Double.NEGATIVE_INFINITY;
            default -> throw new IllegalArgumentException("\"" + key + "\" is not a number: " + value);
        };
    }

    /** The lines that end in a newline; an absent file has none. */
    private static List<String> completeLines(Path file) {
        byte[] bytes;
        try {
            bytes = Files.exists(file) ? Files.readAllBytes(file) : new byte[0];
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the training log " + file + ": " + e.getMessage(), e);
        }
        String text = new String(bytes, 0, completeLength(bytes), StandardCharsets.UTF_8);
        List<String> lines = new ArrayList<>();
        for (String line : text.split("\n", -1)) {
            if (!line.isBlank()) {
                lines.add(line);
            }
        }
        return lines;
    }

    /** Bytes up to and including the last newline: what a killed writer finished. */
    private static int completeLength(byte[] bytes) {
        int end = bytes.length;
        while (end > 0 && bytes[end - 1] != '\n') {
            end--;
        }
        return end;
    }
}
