package org.layerprune.stage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.layerprune.contracts.events.ErrorCode;
import org.layerprune.contracts.events.Event;
import org.layerprune.contracts.events.PipelineStage;
import org.layerprune.contracts.events.StageFailed;
import org.layerprune.core.checkpoint.Manifest;

class StageOutputsTest {

    @TempDir
    Path tmp;

    private final StageOutputs outputs = new StageOutputs();
    private final AtomicInteger computed = new AtomicInteger();

    @Test
    void secondDeliveryReEmitsTheRecordedEventWithoutComputing() {
        Path dir = tmp.resolve("out");

        StageOutputs.Result<StageFailed> first = outputs.once(dir, StageFailed.TYPE, this::work);
        StageOutputs.Result<StageFailed> second = outputs.once(dir, StageFailed.TYPE, this::work);

        assertEquals(1, computed.get());
        assertFalse(first.reused());
        assertTrue(second.reused());
        assertEquals(first.event(), second.event());
        assertTrue(Files.isRegularFile(dir.resolve("stage.failed.json")));
        assertEquals("hello", read(dir.resolve("note.txt")));
    }

    @Test
    void damagedOutputIsComputedAgainAndReplaced() throws IOException {
        Path dir = tmp.resolve("out");
        outputs.once(dir, StageFailed.TYPE, this::work);
        Files.writeString(dir.resolve("note.txt"), "changed");

        StageOutputs.Result<StageFailed> again = outputs.once(dir, StageFailed.TYPE, this::work);

        assertFalse(again.reused());
        assertEquals(2, computed.get());
        assertEquals("hello", read(dir.resolve("note.txt")));
    }

    @Test
    void outputWhoseDependencyIsNoLongerIntactIsComputedAgain() {
        Path dir = tmp.resolve("out");
        outputs.once(dir, StageFailed.TYPE, this::work);

        assertFalse(outputs.once(dir, StageFailed.TYPE, event -> false, this::work).reused());
        assertEquals(2, computed.get());
    }

    @Test
    void checkpointIntactNeedsTheManifestAndEveryListedSize() throws IOException {
        Path checkpoint = Files.createDirectories(tmp.resolve("checkpoint"));
        Files.writeString(checkpoint.resolve("config.json"), "{}");
        Manifest.of(checkpoint).write(checkpoint.resolve(Manifest.FILE_NAME));

        assertTrue(StageOutputs.checkpointIntact(checkpoint));
        Files.writeString(checkpoint.resolve("config.json"), "{ }");
        assertFalse(StageOutputs.checkpointIntact(checkpoint));
        assertFalse(StageOutputs.checkpointIntact(tmp.resolve("none")));
    }

    private StageOutputs.Output<StageFailed> work() {
        computed.incrementAndGet();
        StageFailed event = new StageFailed(Event.SCHEMA_VERSION, "demo", Optional.empty(),
                Instant.now(), PipelineStage.PROBE, ErrorCode.INTERNAL, "computed " + computed.get(), false);
        return new StageOutputs.Output<>(event, Map.of("note.txt", "hello".getBytes(StandardCharsets.UTF_8)));
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }
}
