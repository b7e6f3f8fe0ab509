package org.layerprune.control;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.layerprune.contracts.artifact.ArtifactRef;
import org.layerprune.contracts.events.BlockSizes;
import org.layerprune.contracts.events.ErrorCode;
import org.layerprune.contracts.events.EvalTaskName;
import org.layerprune.contracts.events.Event;
import org.layerprune.contracts.events.EventType;
import org.layerprune.contracts.events.ExperimentRequested;
import org.layerprune.contracts.events.HealProgress;
import org.layerprune.contracts.events.LossPoint;
import org.layerprune.contracts.events.PipelineStage;
import org.layerprune.contracts.events.PruneStrategy;
import org.layerprune.contracts.events.ScoreMetric;
import org.layerprune.contracts.events.SimilarityProbed;
import org.layerprune.contracts.events.StageFailed;
import org.layerprune.contracts.events.TaskScore;
import org.layerprune.contracts.events.VariantEvaluated;
import org.layerprune.contracts.events.VariantHealed;
import org.layerprune.contracts.events.VariantId;
import org.layerprune.contracts.events.VariantPruned;
import org.layerprune.contracts.events.VariantStage;
import org.layerprune.contracts.kafka.EventDeserializer;
import org.layerprune.stage.testing.SharedFixtures;

/**
 * Events of stories260K experiments (L = 5) as the stages emit them: the schema examples in {@code schemas/examples},
 * and whole experiments with known scores. The loss of a variant is {@code 2 + n / 2} pruned, {@code 2 + n / 10}
 * healed (the baseline's 2), so that curves can be checked number by number.
 */
public final class ExperimentEvents {

    /** L of stories260K. */
    public static final int LAYERS = 5;

    private static final Path SCHEMAS = Path.of(System.getProperty("layerprune.schemas.dir", "../../schemas"));
    private static final String HASH = "ab".repeat(32);

    private ExperimentEvents() {
    }

    /** The valid examples of {@code type} whose file names contain {@code part}, read as the contract reads them. */
    public static <E extends Event> List<E> examples(EventType<E> type, String part) {
        Path dir = SCHEMAS.resolve("examples").resolve(type.name());
        try (Stream<Path> files = Files.list(dir)) {
            EventDeserializer<E> reader = new EventDeserializer<>(type);
            return files.filter(f -> f.getFileName().toString().startsWith("valid-")
                            && f.getFileName().toString().contains(part))
                    .sorted()
                    .map(f -> reader.deserialize(type.name(), read(f)))
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The schema's stories260K example of every event type in pipeline order, then the stage.failed examples whose
     * names contain {@code failures}.
     */
    public static List<Event> stories260kExamples(String failures) {
        return Stream.of(examples(ExperimentRequested.TYPE, "stories260k"),
                        examples(SimilarityProbed.TYPE, "stories260k"),
                        examples(VariantPruned.TYPE, "stories260k"),
                        examples(HealProgress.TYPE, "stories260k"),
                        examples(VariantHealed.TYPE, "stories260k"),
                        examples(VariantEvaluated.TYPE, "stories260k"),
                        examples(StageFailed.TYPE, failures))
                .flatMap(List::stream).map(Event.class::cast).toList();
    }

    /** The valid example {@code name} (without {@code .json}) of {@code type}. */
    public static <E extends Event> E example(EventType<E> type, String name) {
        return new EventDeserializer<>(type).deserialize(type.name(),
                read(SCHEMAS.resolve("examples").resolve(type.name()).resolve(name + ".json")));
    }

    /** The text of example {@code name} of {@code type}. */
    public static String exampleJson(EventType<?> type, String name) {
        return new String(read(SCHEMAS.resolve("examples").resolve(type.name()).resolve(name + ".json")),
                java.nio.charset.StandardCharsets.UTF_8);
    }

    private static byte[] read(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static ExperimentRequested requested(String id, Integer... sizes) {
        return SharedFixtures.request(id, BlockSizes.of(sizes));
    }

    /** The probe's result: the fixture's made-up distances, l*(n) = 1 for every n. */
    public static SimilarityProbed probed(String id, Integer... sizes) {
        return SharedFixtures.probed(id, HASH, PruneStrategy.SIMILARITY, List.of(sizes));
    }

    public static VariantPruned baseline(String id) {
        return new VariantPruned(Event.SCHEMA_VERSION, id, VariantId.baseline(id), Instant.now(), 0,
                OptionalInt.empty(), PruneStrategy.SIMILARITY, List.of(), LAYERS, LAYERS,
                SharedFixtures.MODEL, HASH, HASH, 260_000, 0.0, SharedFixtures.heal(), SharedFixtures.evalTasks());
    }

    /** Variant n with layers 1..n removed (l* = 1, as {@link #probed} says). */
    public static VariantPruned pruned(String id, int n) {
        VariantId variant = VariantId.pruned(id, n);
        return new VariantPruned(Event.SCHEMA_VERSION, id, variant, Instant.now(), n, OptionalInt.of(1),
                PruneStrategy.SIMILARITY, IntStream.range(1, 1 + n).boxed().toList(), LAYERS, LAYERS - n,
                ArtifactRef.of("experiments/" + id + "/variants/" + variant + "/checkpoint"), HASH, HASH,
                260_000 - 30_000L * n, 0.1, SharedFixtures.heal(), SharedFixtures.evalTasks());
    }

    public static HealProgress progress(String id, int n, long step) {
        return progress(id, n, step, Instant.now());
    }

    /** Update {@code step} of 4 of variant n's heal, finished at {@code time}. */
    public static HealProgress progress(String id, int n, long step, Instant time) {
        VariantId source = VariantId.pruned(id, n);
        return new HealProgress(Event.SCHEMA_VERSION, id, source.healed(), source, time, step, 4,
                3.0 - 0.1 * step, 3e-4, 1000.0 + step, OptionalDouble.empty());
    }

    public static VariantHealed healed(String id, int n) {
        VariantId source = VariantId.pruned(id, n);
        VariantId healed = source.healed();
        String dir = "experiments/" + id + "/variants/" + healed + "/heal";
        return new VariantHealed(Event.SCHEMA_VERSION, id, healed, source, Instant.now(), n,
                ArtifactRef.of(dir + "/adapter"), ArtifactRef.of(dir + "/merged"), HASH,
                List.of(new LossPoint(1, 3.0), new LossPoint(4, 2.6)), 3.1, 2.7, 4, 512, 1.0,
                SharedFixtures.evalTasks());
    }

    /** The loss of variant n at {@code stage}: 2 + n / 2 pruned, 2 + n / 10 healed, 2 for the baseline. */
    public static double loss(int n, VariantStage stage) {
        return stage == VariantStage.HEALED ? 2 + n / 10.0 : 2 + n / 2.0;
    }

    public static VariantEvaluated evaluated(String id, int n, VariantStage stage) {
        VariantId variant = n == 0 ? VariantId.baseline(id) : new VariantId(id, n, stage);
        double loss = loss(n, stage);
        return new VariantEvaluated(Event.SCHEMA_VERSION, id, variant, Instant.now(), stage, n, HASH,
                List.of(new TaskScore(EvalTaskName.LOSS, ScoreMetric.LOSS, loss, 16),
                        new TaskScore(EvalTaskName.LOSS, ScoreMetric.PERPLEXITY, Math.exp(loss), 16)), 0.5);
    }

    public static StageFailed failed(String id, VariantId variant, PipelineStage stage, boolean retriable) {
        return new StageFailed(Event.SCHEMA_VERSION, id, Optional.ofNullable(variant), Instant.now(), stage,
                retriable ? ErrorCode.OUT_OF_MEMORY : ErrorCode.CHECKPOINT_INVALID, stage.wireName() + " failed on "
                + variant, retriable);
    }

    /** Every event of a finished experiment at block sizes {@code sizes}, in pipeline order. */
    public static List<Event> finished(String id, Integer... sizes) {
        List<Event> events = new ArrayList<>();
        events.add(requested(id, sizes));
        events.add(probed(id, sizes));
        events.add(baseline(id));
        events.add(evaluated(id, 0, VariantStage.BASELINE));
        for (int n : sizes) {
            events.add(pruned(id, n));
            events.add(evaluated(id, n, VariantStage.PRUNED));
            events.add(progress(id, n, 2));
            events.add(progress(id, n, 4));
            events.add(healed(id, n));
            events.add(evaluated(id, n, VariantStage.HEALED));
        }
        return events;
    }
}
