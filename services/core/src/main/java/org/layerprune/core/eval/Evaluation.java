package org.layerprune.core.eval;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.ToIntFunction;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.layerprune.core.data.JsonlDataset;
import org.layerprune.core.data.Sequence;
import org.layerprune.core.model.LlamaModel;
import org.layerprune.core.tokenizer.Tokenizer;

/** Runs one evaluation task on a model: the entry point for the CLI and the eval service. */
public final class Evaluation {

    private Evaluation() {
    }

    /**
     * @param tokenizer the checkpoint's tokenizer: needed for text data and for the question tasks
     * @param cancelled checked between batches
     * @throws java.util.concurrent.CancellationException when cancelled
     * @throws EvalDataException naming the file and line of a malformed row (with {@link BadRowPolicy#STOP})
     */
    public static EvalResult run(EvalTask task, LlamaModel model, Optional<Tokenizer> tokenizer, EvalSettings s,
            EvalProgress progress, BooleanSupplier cancelled) throws IOException {
        return switch (task) {
            case LOSS -> loss(model, tokenizer, s, progress, cancelled);
            case MMLU -> mmlu(model, requireTokenizer(task, tokenizer), s, progress, cancelled);
            case BOOLQ -> boolq(model, requireTokenizer(task, tokenizer), s, progress, cancelled);
        };
    }

    private static EvalResult loss(LlamaModel model, Optional<Tokenizer> tokenizer, EvalSettings s,
            EvalProgress progress, BooleanSupplier cancelled) throws IOException {
        int context = model.config().maxPositionEmbeddings();
        JsonlDataset dataset = JsonlDataset.of(s.data());
        if (tokenizer.isPresent()) {
            dataset = dataset.withTokenizer(tokenizer.get());
        }
        if (s.limit().isPresent()) {
            dataset = dataset.withLimit(s.limit().getAsInt());
        }
        List<int[]> sequences;
        try (Stream<Sequence> lines = dataset.stream()) {
            sequences = lines.map(Sequence::ids).collect(Collectors.toList());
        }
        long truncated = sequences.stream().filter(ids -> ids.length > context).count();
        sequences = sequences.stream()
                .map(ids -> ids.length > context ? java.util.Arrays.copyOf(ids, context) : ids).toList();
        LossResult r = LossEvaluation.run(model, sequences, s.batchSize(), progress, cancelled);
        Map<String, Object> metrics = new LinkedHashMap<>();
        metrics.put("loss", r.loss());
        metrics.put("perplexity", r.perplexity());
        metrics.put("normalized_loss", r.normalizedLoss());
        metrics.put("tokens", r.tokens());
        metrics.put("truncated_sequences", truncated);
        return new EvalResult(EvalTask.LOSS.taskName(), r.sequences(), metrics, List.of());
    }

    private static EvalResult mmlu(LlamaModel model, Tokenizer tokenizer, EvalSettings s, EvalProgress progress,
            BooleanSupplier cancelled) throws IOException {
        MmluData data = MmluData.read(s.data(), s.fewshotData(), s.split(), s.badRows());
        int shots = s.shots().orElse(EvalTask.MMLU.defaultShots());
        List<ChoiceRequest> requests = data.requests(shots, tokenCount(tokenizer), contextOf(model),
                s.limit().orElse(Integer.MAX_VALUE));
        List<ScoredChoice> scored = scorer(model, tokenizer, s).score(requests, progress, cancelled);
        Accuracy accuracy = Accuracy.of(scored);
        Map<String, Object> metrics = new LinkedHashMap<>();
        metrics.put("accuracy", accuracy.micro());
        metrics.put("macro_accuracy", accuracy.macro());
        metrics.put("per_subject", accuracy.sortedPerGroup());
        promptFacts(metrics, shots, scored, data.skipped());
        return new EvalResult(EvalTask.MMLU.taskName(), scored.size(), metrics, data.skipped());
    }

    private static EvalResult boolq(LlamaModel model, Tokenizer tokenizer, EvalSettings s, EvalProgress progress,
            BooleanSupplier cancelled) throws IOException {
        BoolqData data = BoolqData.read(s.data(), s.badRows());
        int shots = s.shots().orElse(EvalTask.BOOLQ.defaultShots());
        List<SkippedRow> skipped = new ArrayList<>(data.skipped());
        List<BoolqExample> pool = shots == 0 ? List.of() : data.examples();
        if (shots > 0 && s.fewshotData().isPresent()) {
            BoolqData shotData = BoolqData.read(s.fewshotData().get(), s.badRows());
            pool = shotData.examples();
            skipped.addAll(shotData.skipped()); // the shots file's bad rows are reported like the data's
        }
        List<ChoiceRequest> requests = data.requests(pool, shots, tokenCount(tokenizer), contextOf(model),
                s.limit().orElse(Integer.MAX_VALUE));
        List<ScoredChoice> scored = scorer(model, tokenizer, s).score(requests, progress, cancelled);
        Map<String, Object> metrics = new LinkedHashMap<>();
        metrics.put("accuracy", Accuracy.of(scored).micro());
        promptFacts(metrics, shots, scored, skipped);
        return new EvalResult(EvalTask.BOOLQ.taskName(), scored.size(), metrics, skipped);
    }

    /** How the prompts were shaped, so a reader knows what the accuracy means. */
    private static void promptFacts(Map<String, Object> metrics, int shots, List<ScoredChoice> scored,
            List<SkippedRow> skipped) {
        metrics.put("shots", shots);
        metrics.put("questions_with_shots_dropped", scored.stream().filter(q -> q.request().shotsDropped() > 0).count());
        metrics.put("shots_dropped", scored.stream().mapToLong(q -> q.request().shotsDropped()).sum());
        metrics.put("truncated_prompts", scored.stream().filter(ScoredChoice::truncated).count());
        metrics.put("skipped_rows", skipped.size());
    }

    private static ChoiceScorer scorer(LlamaModel model, Tokenizer tokenizer, EvalSettings s) {
        return new ChoiceScorer(model, tokenizer::encodeWithoutSpecialTokens, s.batchSize(), contextOf(model));
    }

    private static ToIntFunction<String> tokenCount(Tokenizer tokenizer) {
        return text -> tokenizer.encodeWithoutSpecialTokens(text).length;
    }

    private static int contextOf(LlamaModel model) {
        return model.config().maxPositionEmbeddings();
    }

    private static Tokenizer requireTokenizer(EvalTask task, Optional<Tokenizer> tokenizer) {
        return tokenizer.orElseThrow(() -> new IllegalArgumentException(task.taskName()
                + " builds text prompts and needs the checkpoint's tokenizer.json, which it does not have"));
    }
}
