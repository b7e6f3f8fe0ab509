package org.layerprune.core.heal;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.layerprune.core.data.JsonlDataset;
import org.layerprune.core.data.Sequence;
import org.layerprune.core.tokenizer.Tokenizer;

/** Reading a healing run's data from the JSON Lines the other commands read ({"text"} or {"input_ids"}). */
public final class HealData {

    private HealData() {
    }

    /**
     * Every document of {@code file}, whole: packing into rows happens in {@link PackedSequences}.
     *
     * @param tokenizer needed when the file holds text; it adds BOS/EOS as the checkpoint's tokenizer config says
     * @throws org.layerprune.core.data.DatasetException naming the file and line that cannot become a sequence
     */
    public static List<int[]> trainingDocuments(Path file, Optional<Tokenizer> tokenizer) throws IOException {
        JsonlDataset dataset = JsonlDataset.of(file);
        return ids(tokenizer.isPresent() ? dataset.withTokenizer(tokenizer.get()) : dataset);
    }

    /**
     * The first {@code limit} sequences of {@code file}, each cut to {@code maxLength} tokens: the fixed validation
     * set that every evaluation of a run scores.
     */
    public static List<int[]> validationSequences(Path file, Optional<Tokenizer> tokenizer, int maxLength, int limit)
            throws IOException {
        JsonlDataset dataset = JsonlDataset.of(file).withMaxLength(maxLength).withLimit(limit);
        return ids(tokenizer.isPresent() ? dataset.withTokenizer(tokenizer.get()) : dataset);
    }

    private static List<int[]> ids(JsonlDataset dataset) throws IOException {
        try (Stream<Sequence> sequences = dataset.stream()) {
            return sequences.map(Sequence::ids).toList();
        }
    }
}
