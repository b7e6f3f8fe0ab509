package org.layerprune.core.heal;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * The healing data: tokenized documents packed into fixed-length training rows, as transformers' {@code run_clm}
 * {@code group_texts} packs them, served in micro-batches from a {@link Cursor} a trainer can checkpoint.
 *
 * <p>The documents are concatenated, in an order shuffled with {@code seed}, into one stream with nothing added
 * between them (the tokenizer already put BOS/EOS on each), and the stream is cut into rows of {@code seqLen}
 * tokens; the last {@code total % seqLen} tokens, too few for a row, are dropped. Each epoch serves every row once,
 * in an order shuffled with {@code seed + epoch}. A batch that runs past the end of an epoch continues with the
 * first rows of the next, so every batch has the size asked for.
 *
 * <p>Shuffles are Fisher-Yates over {@link SplittableRandom}, whose sequence is fixed by its specification: the
 * same documents, length and seed give the same rows on every JVM, and {@link #seek(Cursor)} to a saved cursor
 * continues exactly as the run it came from. Not thread-safe: one trainer owns an instance.
 */
public final class PackedSequences {

    /**
     * Where the next row comes from.
     *
     * @param epoch passes over the rows completed, at least 0; its order is shuffled with {@code seed + epoch}
     * @param row position in that epoch's order, from 0 to {@code rowsPerEpoch() - 1}
     */
    public record Cursor(long epoch, int row) {

        /** The first row of the first epoch. */
        public static final Cursor START = new Cursor(0, 0);

        public Cursor {
            if (epoch < 0 || row < 0) {
                throw new IllegalArgumentException("a cursor needs epoch and row of at least 0, not epoch "
                        + epoch + " row " + row);
            }
        }
    }

    private final int[] stream; // [rows * seqLen], the documents in shuffled order, remainder dropped
    private final int seqLen;
    private final int rows;
    private final long seed;

    private long epoch;
    private int row;
    private int[] order; // [rows] this epoch's row order, or null until asked for
    private long orderEpoch = -1;

    private PackedSequences(int[] stream, int seqLen, long seed) {
        this.stream = stream;
        this.seqLen = seqLen;
        this.rows = stream.length / seqLen;
        this.seed = seed;
    }

    /**
     * Packs {@code docs} into rows of {@code seqLen} tokens, the cursor at {@link Cursor#START}. The arrays are
     * copied; the caller may reuse them.
     *
     * @param docs token ids of each document, BOS/EOS included as the tokenizer gave them; empty ones contribute nothing
     * @param seqLen tokens per row, at least 2 (a causal LM learns token t + 1 from the tokens up to t)
     * @param seed shuffles the documents, and with the epoch added, each epoch's rows
     * @throws IllegalArgumentException when seqLen is below 2, or the documents hold fewer than seqLen tokens,
     *     or more than one array can hold
     */
    public static PackedSequences of(List<int[]> docs, int seqLen, long seed) {
        Objects.requireNonNull(docs, "docs");
        if (seqLen < 2) {
            throw new IllegalArgumentException("seqLen must be at least 2 (a causal LM predicts token t + 1 from t),"
                    + " not " + seqLen);
        }
        long total = 0;
        for (int i = 0; i < docs.size(); i++) {
            total += Objects.requireNonNull(docs.get(i), "document " + i).length;
        }
        if (total < seqLen) {
            throw new IllegalArgumentException("too little data for one row: the " + docs.size()
                    + " documents hold " + total + " tokens, a row needs " + seqLen);
        }
        long kept = total - total % seqLen; // group_texts: total_length = (total_length // block_size) * block_size
        if (kept > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("the documents hold " + total + " tokens, more than one stream of "
                    + (Integer.MAX_VALUE - 8) + " can hold; split them");
        }
        int[] docOrder = permutation(docs.size(), seed);
        int[] stream = new int[(int) kept];
        int at = 0;
        for (int d = 0; d < docOrder.length && at < stream.length; d++) {
            int[] doc = docs.get(docOrder[d]);
            int n = Math.min(doc.length, stream.length - at);
            System.arraycopy(doc, 0, stream, at, n);
            at += n;
        }
        return new PackedSequences(stream, seqLen, seed);
    }

    /** Tokens per row. */
    public int seqLen() {
        return seqLen;
    }

    /** Rows in one epoch: the packed tokens divided by {@code seqLen}, rounded down. */
    public int rowsPerEpoch() {
        return rows;
    }

    /** Where the next row comes from; save it with the trainer's checkpoint. */
    public Cursor cursor() {
        return new Cursor(epoch, row);
    }

    /**
     * Moves to {@code cursor}, so that {@link #next(int)} serves what it would have served there.
     *
     * @throws IllegalArgumentException when the cursor's row is not below {@link #rowsPerEpoch()}, as it is for a
     *     cursor saved with other data or another {@code seqLen}
     */
    public void seek(Cursor cursor) {
        Objects.requireNonNull(cursor, "cursor");
        if (cursor.row() >= rows) {
            throw new IllegalArgumentException("cursor row " + cursor.row() + " is past the " + rows
                    + " rows of an epoch: was it saved with other data or another seqLen?");
        }
        epoch = cursor.epoch();
        row = cursor.row();
    }

    /**
     * The next {@code batchSize} rows, continuing into the next epoch when this one runs out, and moves the
     * cursor past them.
     *
     * @param batchSize rows to serve, at least 1
     * @return {@code batchSize} rows, each a fresh array of {@code [seqLen]} token ids
     */
    public List<int[]> next(int batchSize) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batchSize must be at least 1, not " + batchSize);
        }
        List<int[]> batch = new ArrayList<>(batchSize);
        for (int i = 0; i < batchSize; i++) {
            int packed = orderOf(epoch)[row];
            batch.add(Arrays.copyOfRange(stream, packed * seqLen, (packed + 1) * seqLen));
            if (++row == rows) {
                epoch++;
                row = 0;
            }
        }
        return batch;
    }

    private int[] orderOf(long e) {
        if (orderEpoch != e) {
            order = permutation(rows, seed + e);
            orderEpoch = e;
        }
        return order;
    }

    /** 0 .. n - 1 shuffled by Fisher-Yates, from the last position down, with {@code SplittableRandom(seed)}. */
    static int[] permutation(int n, long seed) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = i;
        }
        SplittableRandom random = new SplittableRandom(seed);
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int swap = p[i];
            p[i] = p[j];
            p[j] = swap;
        }
        return p;
    }
}
