package org.layerprune.core.heal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.OptionalDouble;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.layerprune.core.heal.TrainingLog.Entry;

class TrainingLogTest {

    @TempDir
    Path dir;

    private static Entry entry(long step) {
        return new Entry(step, 2.5 - step * 0.01, 3e-5, 0.75 + step, 5210.5, 1.5 * step);
    }

    @Test
    void appendsOneJsonObjectPerLineAndReadsTheEntriesBack() throws IOException {
        Path file = dir.resolve("train_log.jsonl");
        TrainingLog log = TrainingLog.open(file);
        Entry evaluated = new Entry(20, 2.25, 6e-5, 0.5, 4800.25, 31.0, OptionalDouble.of(2.4));
        log.append(entry(10));
        assertEquals(1, Files.readAllLines(file).size()); // on disk before anything is closed
        log.append(evaluated);

        List<String> lines = Files.readAllLines(file);
        assertEquals("{\"step\":10,\"loss\":2.4,\"lr\":3.0E-5,\"grad_norm\":10.75,\"tokens_per_second\":5210.5,"
                + "\"elapsed_seconds\":15.0}", lines.get(0));
        assertTrue(lines.get(1).endsWith(",\"eval_loss\":2.4}"), lines.get(1));
        assertEquals(List.of(entry(10), evaluated), TrainingLog.read(file));
    }

    @Test
    void ignoresATruncatedLastLineLeftByARunKilledMidWrite() throws IOException {
        Path file = dir.resolve("log.jsonl");
        TrainingLog log = TrainingLog.open(file);
        log.append(entry(1));
        log.append(entry(2));
        Files.writeString(file, "{\"step\":3,\"loss\":2.", StandardOpenOption.APPEND);
        assertEquals(List.of(entry(1), entry(2)), TrainingLog.read(file));
    }

    @Test
    void cutsOffTheUnfinishedLineOnOpenSoTheNextEntryStartsItsOwnLine() throws IOException {
        Path file = dir.resolve("log.jsonl");
        TrainingLog.open(file).append(entry(1));
        Files.writeString(file, "{\"step\":2,\"lo", StandardOpenOption.APPEND);

        TrainingLog resumed = TrainingLog.open(file);
        resumed.append(entry(2));
        assertEquals(List.of(entry(1), entry(2)), TrainingLog.read(file));
    }

    @Test
    void truncateAfterDropsLaterStepsAtomicallyAndKeepsAppending() throws IOException {
        Path file = dir.resolve("log.jsonl");
        TrainingLog log = TrainingLog.open(file);
        for (long step = 10; step <= 50; step += 10) {
            log.append(entry(step));
        }
        List<String> before = Files.readAllLines(file);

        log.truncateAfter(30);
        assertEquals(before.subList(0, 3), Files.readAllLines(file)); // kept lines byte for byte
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of(file), files.toList()); // no temporary file left beside it
        }
        log.append(entry(40));
        assertEquals(List.of(entry(10), entry(20), entry(30), entry(40)), TrainingLog.read(file));

        log.truncateAfter(5);
        assertEquals(List.of(), TrainingLog.read(file));
    }

    @Test
    void keepsANonFiniteLossOfADivergedRun() {
        Path file = dir.resolve("log.jsonl");
        Entry diverged = new Entry(7, Double.NaN, 3e-4, Double.POSITIVE_INFINITY, 100, 2);
        TrainingLog.open(file).append(diverged);
        assertEquals(List.of(diverged), TrainingLog.read(file));
    }

    @Test
    void readsAnAbsentLogAsEmpty() {
        assertEquals(List.of(), TrainingLog.read(dir.resolve("none.jsonl")));
    }

    @Test
    void namesTheLineWhenACompleteLineIsNotAnEntry() throws IOException {
        Path file = dir.resolve("log.jsonl");
        TrainingLog.open(file).append(entry(1));
        Files.writeString(file, "{\"step\":2}\n", StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        TrainingLog.open(file).append(entry(3));
        String message = assertThrows(IllegalArgumentException.class, () -> TrainingLog.read(file)).getMessage();
        assertTrue(message.contains("line 2") && message.contains("\"loss\""), message);
    }
}
