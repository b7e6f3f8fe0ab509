package org.layerprune.stage;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.NoSuchFileException;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;
import org.layerprune.contracts.artifact.OutsideArtifactRootException;
import org.layerprune.contracts.events.ErrorCode;
import org.layerprune.contracts.events.Event;
import org.layerprune.contracts.events.InvalidEventException;
import org.layerprune.contracts.events.PipelineStage;
import org.layerprune.contracts.events.StageFailed;
import org.layerprune.contracts.events.VariantId;
import org.layerprune.core.checkpoint.CheckpointException;
import org.layerprune.core.data.DatasetException;
import org.layerprune.core.eval.EvalDataException;
import org.layerprune.core.model.ConfigException;
import org.layerprune.core.similarity.ProbeFileException;

/**
 * Turns what a stage threw into a {@code stage.failed} event: a code to count and alert on, whether the same event may
 * succeed later, and the exception's message (core's messages name the file and field at fault), with the artifact
 * root's host path taken out.
 */
public final class Failures {

    /**
     * Why a stage failed.
     *
     * @param code coarse, for counting
     * @param retriable whether the same event may succeed later (memory, I/O), not when the input is at fault
     */
    public record Failure(ErrorCode code, boolean retriable) {
    }

    private Failures() {
    }

    /** The failure {@code thrown} stands for: the first cause in its chain that says more than "internal". */
    public static Failure classify(Throwable thrown) {
        for (Throwable t = thrown; t != null; t = t.getCause() == t ? null : t.getCause()) {
            Failure failure = classifyOne(t);
            if (failure != null) {
                return failure;
            }
        }
        return new Failure(ErrorCode.INTERNAL, false);
    }

    private static Failure classifyOne(Throwable t) {
        if (t instanceof OutsideArtifactRootException) {
            return new Failure(ErrorCode.OUTSIDE_ARTIFACT_ROOT, false);
        }
        if (t instanceof ArtifactNotFoundException || t instanceof NoSuchFileException
                || t instanceof FileNotFoundException) {
            return new Failure(ErrorCode.NOT_FOUND, false);
        }
        if (t instanceof CheckpointException || t instanceof ConfigException) {
            return new Failure(ErrorCode.CHECKPOINT_INVALID, false);
        }
        if (t instanceof DatasetException || t instanceof EvalDataException || t instanceof ProbeFileException) {
            return new Failure(ErrorCode.DATA_INVALID, false);
        }
        if (t instanceof OutOfMemoryError || String.valueOf(t.getMessage()).toLowerCase(Locale.ROOT)
                .contains("out of memory")) {
            return new Failure(ErrorCode.OUT_OF_MEMORY, true);
        }
        if (t instanceof InvalidEventException || t instanceof IllegalArgumentException) {
            return new Failure(ErrorCode.BAD_INPUT, false);
        }
        return null; // a more telling cause may follow; else internal
    }

    /**
     * The {@code stage.failed} event for {@code thrown}, raised while {@code stage} worked on {@code input}.
     *
     * @param variant the variant at fault, when the work was about one
     */
    public static StageFailed of(Throwable thrown, PipelineStage stage, Event input, Optional<VariantId> variant,
            ArtifactRoot root) {
        Failure failure = classify(thrown);
        // an I/O error with no more telling cause (a full disk, a lost mount) may pass
        boolean retriable = failure.retriable() || failure.code() == ErrorCode.INTERNAL && hasIoCause(thrown);
        return new StageFailed(Event.SCHEMA_VERSION, input.experimentId(), variant, Instant.now(), stage,
                failure.code(), message(thrown, root), retriable);
    }

    private static boolean hasIoCause(Throwable thrown) {
        for (Throwable t = thrown; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof IOException || t instanceof UncheckedIOException) {
                return true;
            }
        }
        return false;
    }

    /** The message, or the exception's class when it has none, without host paths, at most as long as allowed. */
    static String message(Throwable thrown, ArtifactRoot root) {
        String text = thrown.getMessage() == null || thrown.getMessage().isBlank()
                ? thrown.getClass().getName() : root.relativize(thrown.getMessage());
        return text.length() <= StageFailed.MAX_MESSAGE_LENGTH ? text
                : text.substring(0, StageFailed.MAX_MESSAGE_LENGTH - 3) + "...";
    }
}
