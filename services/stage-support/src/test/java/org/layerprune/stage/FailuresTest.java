package org.layerprune.stage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.layerprune.contracts.events.ErrorCode;
import org.layerprune.contracts.events.Event;
import org.layerprune.contracts.events.PipelineStage;
import org.layerprune.contracts.events.StageFailed;
import org.layerprune.contracts.events.VariantId;
import org.layerprune.core.checkpoint.CheckpointException;
import org.layerprune.core.eval.EvalDataException;
import org.layerprune.core.model.ConfigException;

class FailuresTest {

    @TempDir
    Path tmp;

    @Test
    void coreExceptionsMapToTheirCodes() {
        assertEquals(new Failures.Failure(ErrorCode.CHECKPOINT_INVALID, false),
                Failures.classify(new CheckpointException("m: not a checkpoint")));
        assertEquals(new Failures.Failure(ErrorCode.CHECKPOINT_INVALID, false),
                Failures.classify(new ConfigException(Path.of("config.json"), "hidden_size missing")));
        assertEquals(new Failures.Failure(ErrorCode.DATA_INVALID, false),
                Failures.classify(new EvalDataException(Path.of("eval.jsonl"), 3, "not JSON")));
        assertEquals(new Failures.Failure(ErrorCode.NOT_FOUND, false),
                Failures.classify(new ArtifactNotFoundException("model.ref names nothing")));
        assertEquals(new Failures.Failure(ErrorCode.BAD_INPUT, false),
                Failures.classify(new IllegalArgumentException("block size 9 of 5 layers")));
        assertEquals(new Failures.Failure(ErrorCode.INTERNAL, false),
                Failures.classify(new IllegalStateException("a bug")));
    }

    @Test
    void outOfMemoryMayBeRetried() {
        assertEquals(new Failures.Failure(ErrorCode.OUT_OF_MEMORY, true), Failures.classify(new OutOfMemoryError()));
        assertEquals(new Failures.Failure(ErrorCode.OUT_OF_MEMORY, true),
                Failures.classify(new RuntimeException("CUDA out of memory. Tried to allocate 2.00 GiB")));
    }

    @Test
    void theMostTellingCauseWins() {
        RuntimeException wrapped = new RuntimeException("probe failed", new CheckpointException("m: truncated"));

        assertEquals(ErrorCode.CHECKPOINT_INVALID, Failures.classify(wrapped).code());
    }

    @Test
    void stageFailedNamesVariantAndHidesTheHostPath() {
        ArtifactRoot root = new ArtifactRoot(tmp);
        StageFailed input = new StageFailed(Event.SCHEMA_VERSION, "demo", Optional.empty(), Instant.now(),
                PipelineStage.PROBE, ErrorCode.INTERNAL, "x", false);
        VariantId variant = VariantId.pruned("demo", 1);

        StageFailed failed = Failures.of(new CheckpointException(root.dir() + "/models/m: no config.json"),
                PipelineStage.PRUNE, input, Optional.of(variant), root);

        assertEquals("demo", failed.experimentId());
        assertEquals(Optional.of(variant), failed.variantId());
        assertEquals(PipelineStage.PRUNE, failed.stage());
        assertEquals("models/m: no config.json", failed.message());
        assertFalse(failed.retriable());
    }

    @Test
    void anIoErrorWithoutABetterCauseIsInternalButRetriable() {
        ArtifactRoot root = new ArtifactRoot(tmp);
        StageFailed input = new StageFailed(Event.SCHEMA_VERSION, "demo", Optional.empty(), Instant.now(),
                PipelineStage.PROBE, ErrorCode.INTERNAL, "x", false);

        StageFailed failed = Failures.of(new UncheckedIOException(new IOException("No space left on device")),
                PipelineStage.PROBE, input, Optional.empty(), root);

        assertEquals(ErrorCode.INTERNAL, failed.code());
        assertTrue(failed.retriable());
    }

    @Test
    void longMessagesAreCut() {
        ArtifactRoot root = new ArtifactRoot(tmp);

        String message = Failures.message(new IllegalStateException("x".repeat(10_000)), root);

        assertEquals(StageFailed.MAX_MESSAGE_LENGTH, message.length());
    }
}
