package org.layerprune.core.data;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.layerprune.core.tokenizer.Tokenizer;

/** The calibration sequences of a probe: a seeded sample of a dataset, truncated, as token ids. */
public final class CalibrationSet {

    private CalibrationSet() {
    }

    /**
     * @param tokenizer the checkpoint's tokenizer, needed when the file holds text
     * @param samples   how many sequences, drawn uniformly without replacement (in file order)
     * @param maxLength tokens kept of each sequence
     * @throws IllegalArgumentException when the file has fewer than {@code samples} sequences
     */
    public static List<int[]> load(Path data, Optional<Tokenizer> tokenizer, int samples, int maxLength, long seed)
            throws IOException {
        if (samples < 1 || maxLength < 1) {
            throw new IllegalArgumentException("samples and max length must be >= 1, got " + samples + " and "
                    + maxLength);
        }
        JsonlDataset dataset = JsonlDataset.of(data).withMaxLength(maxLength);
        if (tokenizer.isPresent()) {
            dataset = dataset.withTokenizer(tokenizer.get());
        }
        return dataset.sample(samples, seed).stream().map(Sequence::ids).toList();
    }
}
