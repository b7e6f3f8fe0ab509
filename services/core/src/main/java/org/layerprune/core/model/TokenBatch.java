package org.layerprune.core.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
import java.util.List;

/**
 * Token-id sequences of different lengths, padded on the right into one [B, S] batch.
 *
 * <p>Right padding keeps every real token at its own position (0, 1, ...), and a causal mask alone then
 * keeps real queries from ever seeing padding: a real query at position i attends to keys 0..i, which are
 * all real. Values at padded positions are computed but meaningless; {@link #lastTokens} picks the last
 * REAL token of each row.
 */
public final class TokenBatch {

    private static final int PAD_ID = 0;

    private final int[][] sequences;
    private final int seqLen;

    private TokenBatch(int[][] sequences, int seqLen) {
        this.sequences = sequences;
        this.seqLen = seqLen;
    }

    /**
     * @param sequences one or more non-empty id sequences
     * @throws IllegalArgumentException on an empty batch or an empty sequence
     */
    public static TokenBatch of(List<int[]> sequences) {
        if (sequences.isEmpty()) {
            throw new IllegalArgumentException("a batch needs at least one sequence");
        }
        int max = 0;
        int[][] copy = new int[sequences.size()][];
        for (int i = 0; i < copy.length; i++) {
            copy[i] = sequences.get(i).clone();
            if (copy[i].length == 0) {
                throw new IllegalArgumentException("sequence " + i + " of the batch is empty");
            }
            max = Math.max(max, copy[i].length);
        }
        return new TokenBatch(copy, max);
    }

    /** One sequence as a batch of one. */
    public static TokenBatch of(int... ids) {
        return of(List.of(ids));
    }

    /** B. */
    public int batchSize() {
        return sequences.length;
    }

    /** S, the longest sequence. */
    public int seqLen() {
        return seqLen;
    }

    /** The number of real tokens of row {@code row}. */
    public int length(int row) {
        return sequences[row].length;
    }

    /** Real tokens in the whole batch. */
    public long realTokens() {
        return Arrays.stream(sequences).mapToLong(s -> s.length).sum();
    }

    /** A copy of row {@code row}'s real ids. */
    public int[] ids(int row) {
        return sequences[row].clone();
    }

    /**
     * Checks every id against the vocabulary, so a bad id fails here with its position, not deep in torch.
     */
    public void checkIds(int vocabSize) {
        for (int r = 0; r < sequences.length; r++) {
            for (int t = 0; t < sequences[r].length; t++) {
                int id = sequences[r][t];
                if (id < 0 || id >= vocabSize) {
                    throw new IllegalArgumentException("token id " + id + " at row " + r + ", position " + t
                            + " is outside the vocabulary [0, " + vocabSize + ")");
                }
            }
        }
    }

    /** @return [B, S] int64 ids, padded with id 0 */
    public NDArray idsArray(NDManager manager) {
        long[] flat = new long[sequences.length * seqLen];
        Arrays.fill(flat, PAD_ID);
        for (int r = 0; r < sequences.length; r++) {
            for (int t = 0; t < sequences[r].length; t++) {
                flat[r * seqLen + t] = sequences[r][t];
            }
        }
        return manager.create(flat, new Shape(sequences.length, seqLen));
    }

    /**
     * The state of each row's last real token.
     *
     * @param hidden [B, S, H]
     * @return [B, H], owned by hidden's manager
     */
    public NDArray lastTokens(NDArray hidden) {
        long[] rows = new long[sequences.length];
        for (int r = 0; r < rows.length; r++) {
            rows[r] = (long) r * seqLen + sequences[r].length - 1;
        }
        long h = hidden.getShape().get(2);
        NDArray index = hidden.getManager().create(rows);
        return hidden.reshape(-1, h).get(index);                  // [B*S, H] -> [B, H]
    }
}
