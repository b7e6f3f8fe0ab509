package org.layerprune.core.data;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.layerprune.core.tokenizer.Tokenizer;

/**
 * A dataset of token-id sequences in a JSON Lines file: one {@code {"text": ...}} (the C4 layout)
 * or {@code {"input_ids": [...]}} object per line, blank lines skipped.
 *
 * <ul>
 *   <li>Gzip is recognised by its magic bytes, not by the file name, so {@code .jsonl.gz},
 *       {@code .json.gz} and a gzipped file named {@code .jsonl} all read the same.
 *   <li>A line with {@code input_ids} is token ids, whatever else it holds (pre-tokenized sets
 *       often keep the {@code text} next to the ids); otherwise its {@code text} is encoded with
 *       the checkpoint's tokenizer, special tokens included. Other fields are ignored.
 *   <li>A file is all text or all ids: the first non-blank line decides, and a line of the other
 *       kind is an error. Mixing would put sequences with and without the tokenizer's special
 *       tokens, maybe from another tokenizer, into one calibration set.
 *   <li>Malformed JSON, a line with neither field, ids that are not non-negative ints, an empty
 *       sequence, or a text line with no tokenizer throw {@link DatasetException} naming the
 *       file and line.
 * </ul>
 *
 * <p>Sequences are streamed, never read into memory all at once: calibration sets can be large.
 *
 * <p>Immutable: each {@code with} method returns a new dataset. The tokenizer is borrowed, not
 * closed.
 */
public final class JsonlDataset {

    private final Path file;
    private final Optional<Tokenizer> tokenizer;
    private final OptionalInt maxLength;
    private final OptionalInt limit;

    private JsonlDataset(
            Path file, Optional<Tokenizer> tokenizer, OptionalInt maxLength, OptionalInt limit) {
        this.file = file;
        this.tokenizer = tokenizer;
        this.maxLength = maxLength;
        this.limit = limit;
    }

    /** A dataset of every line of a file, untruncated, without a tokenizer. */
    public static JsonlDataset of(Path file) {
        return new JsonlDataset(file, Optional.empty(), OptionalInt.empty(), OptionalInt.empty());
    }

    /** Encodes text lines with this tokenizer. */
    public JsonlDataset withTokenizer(Tokenizer tokenizer) {
        return new JsonlDataset(file, Optional.of(tokenizer), maxLength, limit);
    }

    /** Keeps the first {@code maxLength} ids of each sequence. */
    public JsonlDataset withMaxLength(int maxLength) {
        if (maxLength < 1) {
            throw new IllegalArgumentException("maxLength must be at least 1, was " + maxLength);
        }
        return new JsonlDataset(file, tokenizer, OptionalInt.of(maxLength), limit);
    }

    /** Uses only the first {@code limit} sequences of the file; sampling draws from those. */
    public JsonlDataset withLimit(int limit) {
        if (limit < 0) {
            throw new IllegalArgumentException("limit must not be negative, was " + limit);
        }
        return new JsonlDataset(file, tokenizer, maxLength, OptionalInt.of(limit));
    }

    /**
     * Streams the sequences in file order, reading the file as the stream is consumed. Close the
     * stream (try-with-resources) to close the file.
     *
     * @throws IOException when the file cannot be opened
     * @throws DatasetException from the stream, at a line that cannot become a sequence
     */
    public Stream<Sequence> stream() throws IOException {
        return lines().map(this::toSequence);
    }

    /**
     * Chooses {@code n} sequences uniformly without replacement, in one streaming pass that
     * holds only the chosen lines (reservoir sampling, Algorithm R, with a seeded
     * {@link java.util.SplittableRandom}), and tokenizes only those.
     *
     * <p>The same seed and n pick the same lines in the same order, whatever the tokenizer or
     * {@code maxLength}: the sequences come back in file order. A limit narrows the lines drawn
     * from, so it changes the choice.
     *
     * @throws IOException when the file cannot be opened
     * @throws IllegalArgumentException when the dataset has fewer than {@code n} sequences
     */
    public List<Sequence> sample(int n, long seed) throws IOException {
        List<DatasetLine> chosen;
        try (Stream<DatasetLine> lines = lines()) {
            chosen = ReservoirSample.choose(lines.iterator(), n, seed);
        }
        if (chosen.size() < n) {
            throw new IllegalArgumentException(
                    file + ": cannot sample " + n + " sequences, there are " + chosen.size());
        }
        return chosen.stream().map(this::toSequence).toList();
    }

    /** The parsed lines, limited, each checked to be encodable before anything else happens. */
    private Stream<DatasetLine> lines() throws IOException {
        JsonlReader reader = JsonlReader.open(file);
        Stream<DatasetLine> lines =
                StreamSupport.stream(
                                Spliterators.spliteratorUnknownSize(
                                        reader, Spliterator.ORDERED | Spliterator.NONNULL),
                                false)
                        .onClose(reader::close);
        if (limit.isPresent()) {
            lines = lines.limit(limit.getAsInt());
        }
        return lines.map(this::encodable);
    }

    private DatasetLine encodable(DatasetLine line) {
        if (line instanceof DatasetLine.Text && tokenizer.isEmpty()) {
            throw new DatasetException(
                    file,
                    line.number(),
                    "a text line needs a tokenizer, and there is none (no tokenizer.json)");
        }
        return line;
    }

    private Sequence toSequence(DatasetLine line) {
        int[] ids =
                line instanceof DatasetLine.Text text
                        ? tokenizer.orElseThrow().encode(text.text())
                        : ((DatasetLine.Ids) line).ids();
        if (ids.length == 0) {
            throw new DatasetException(file, line.number(), "the text encodes to no token ids");
        }
        if (maxLength.isPresent() && ids.length > maxLength.getAsInt()) {
            ids = Arrays.copyOf(ids, maxLength.getAsInt());
        }
        return new Sequence(line.number(), ids);
    }
}
