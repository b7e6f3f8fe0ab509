package org.layerprune.stage;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.layerprune.contracts.events.Event;
import org.layerprune.contracts.events.EventType;
import org.layerprune.contracts.kafka.EventJson;
import org.layerprune.core.checkpoint.CheckpointException;
import org.layerprune.core.checkpoint.DirectoryWriter;
import org.layerprune.core.checkpoint.Manifest;

/**
 * The once-only rule: a stage's output for one unit of work is a directory named by its input (see
 * {@link ArtifactRoot}) holding the event it emitted, {@code <event name>.json}, any small files beside it, and a
 * {@code manifest.json}, all written at once (a hidden temporary directory, then one rename). A delivery that finds
 * that directory complete (manifest present, every file as it lists) re-emits the recorded event, identical to the
 * first, instead of doing the work again. An incomplete or damaged directory is done again and replaced.
 *
 * <p>Deliveries of one input inside this JVM are serialised by a lock on the output directory, so that two workers
 * of one service never compute the same output at once; across JVMs the partitioning by key keeps one experiment's
 * (or variant's) records on one consumer.
 */
public final class StageOutputs {

    /** What a unit of work gives: the event to emit and small files to keep beside it (name to content). */
    public record Output<E extends Event>(E event, Map<String, byte[]> files) {

        public static <E extends Event> Output<E> of(E event) {
            return new Output<>(event, Map.of());
        }
    }

    /** The event to emit and whether it was found from an earlier delivery rather than computed now. */
    public record Result<E extends Event>(E event, boolean reused) {
    }

    private final ReentrantLock[] locks = new ReentrantLock[64];

    public StageOutputs() {
        for (int i = 0; i < locks.length; i++) {
            locks[i] = new ReentrantLock();
        }
    }

    /**
     * The event recorded in {@code dir} when it is complete and {@code intact} accepts it (e.g. its checkpoint is
     * still whole); otherwise runs {@code work} and records its output in {@code dir}.
     */
    public <E extends Event> Result<E> once(Path dir, EventType<E> type, Predicate<E> intact, Supplier<Output<E>> work) {
        ReentrantLock lock = locks[Math.floorMod(dir.hashCode(), locks.length)];
        lock.lock();
        try {
            Optional<E> done = completed(dir, type).filter(intact);
            if (done.isPresent()) {
                return new Result<>(done.get(), true);
            }
            Output<E> output = work.get();
            write(dir, type, output);
            return new Result<>(output.event(), false);
        } finally {
            lock.unlock();
        }
    }

    /** {@link #once} for outputs that depend on nothing outside their directory. */
    public <E extends Event> Result<E> once(Path dir, EventType<E> type, Supplier<Output<E>> work) {
        return once(dir, type, event -> true, work);
    }

    /** The event recorded in {@code dir}, when the directory is complete. */
    public static <E extends Event> Optional<E> completed(Path dir, EventType<E> type) {
        Path manifest = dir.resolve(Manifest.FILE_NAME);
        if (!Files.isRegularFile(manifest)) {
            return Optional.empty();
        }
        try {
            Manifest.read(manifest).verify(dir);
            return Optional.of(EventJson.mapper().readValue(dir.resolve(fileName(type)).toFile(), type.javaType()));
        } catch (IOException | RuntimeException e) {
            return Optional.empty(); // damaged or from another version: done again, and replaced
        }
    }

    /**
     * Whether the checkpoint in {@code dir} is still whole, cheaply: its manifest is there and every file it lists has
     * the listed size. (Content is checked where it is read: a checkpoint's hash is in every event that names it.)
     */
    public static boolean checkpointIntact(Path dir) {
        try {
            Manifest manifest = Manifest.read(dir.resolve(Manifest.FILE_NAME));
            for (Map.Entry<String, Manifest.FileDigest> file : manifest.files().entrySet()) {
                Path path = dir.resolve(file.getKey());
                if (!Files.isRegularFile(path) || Files.size(path) != file.getValue().bytes()) {
                    return false;
                }
            }
            return true;
        } catch (CheckpointException | IOException e) {
            return false;
        }
    }

    /** The event's file name in an output directory, e.g. {@code variants.pruned.json}. */
    public static String fileName(EventType<?> type) {
        return type.name() + ".json";
    }

    private static <E extends Event> void write(Path dir, EventType<E> type, Output<E> output) {
        byte[] json;
        try {
            json = EventJson.mapper().writerWithDefaultPrettyPrinter().writeValueAsBytes(output.event());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write " + type.name() + ": " + e.getOriginalMessage(), e);
        }
        DirectoryWriter writer = DirectoryWriter.to(dir, type.name() + " output", fileName(type))
                .replaceExisting(true)
                .withBytes(fileName(type), json);
        for (Map.Entry<String, byte[]> file : output.files().entrySet()) {
            writer = writer.withBytes(file.getKey(), file.getValue());
        }
        writer.write();
    }
}
