package org.layerprune.core.heal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.layerprune.core.heal.PackedSequences.Cursor;

class PackedSequencesTest {

    /** Document d holds tokens 1000 d, 1000 d + 1, ...: every token names its document and position. */
    private static List<int[]> docs(int... lengths) {
        List<int[]> docs = new ArrayList<>();
        for (int d = 0; d < lengths.length; d++) {
            int first = 1000 * d;
            docs.add(IntStream.range(first, first + lengths[d]).toArray());
        }
        return docs;
    }

    private static final List<int[]> DOCS = docs(7, 3, 12, 1, 9, 5, 11, 4); // 52 tokens

    private static List<List<Integer>> rows(List<int[]> batch) {
        return batch.stream().map(row -> Arrays.stream(row).boxed().toList()).toList();
    }

    private static List<List<List<Integer>>> batches(PackedSequences data, int count, int batchSize) {
        List<List<List<Integer>>> batches = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            batches.add(rows(data.next(batchSize)));
        }
        return batches;
    }

    @Test
    void cutsTheConcatenatedDocumentsIntoRowsAndDropsTheRemainderAsGroupTextsDoes() {
        PackedSequences data = PackedSequences.of(DOCS, 5, 42);
        assertEquals(10, data.rowsPerEpoch()); // 52 tokens: 10 rows of 5, the last 2 tokens dropped

        int[] docOrder = PackedSequences.permutation(DOCS.size(), 42);
        int[] stream = Arrays.stream(docOrder).flatMap(d -> Arrays.stream(DOCS.get(d))).toArray();
        List<List<Integer>> expected = new ArrayList<>();
        for (int at = 0; at + 5 <= stream.length; at += 5) {
            expected.add(Arrays.stream(stream, at, at + 5).boxed().toList());
        }
        List<List<Integer>> epoch = new ArrayList<>(rows(data.next(10)));
        Comparator<List<Integer>> byFirst = Comparator.comparing(row -> row.get(0));
        expected.sort(byFirst);
        epoch.sort(byFirst);
        assertEquals(expected, epoch);
    }

    @Test
    void keepsEveryTokenInOrderWithinRowsWithNothingBetweenDocuments() {
        PackedSequences data = PackedSequences.of(DOCS, 6, 7);
        Set<Integer> seen = new HashSet<>();
        for (int[] row : data.next(data.rowsPerEpoch())) {
            assertEquals(6, row.length);
            for (int t = 0; t < row.length; t++) {
                assertTrue(seen.add(row[t]), "token " + row[t] + " served twice in one epoch");
                if (t > 0) {
                    int previous = row[t - 1];
                    boolean sameDocument = row[t] == previous + 1;
                    boolean lastToFirst = previous % 1000 == DOCS.get(previous / 1000).length - 1 && row[t] % 1000 == 0;
                    assertTrue(sameDocument || lastToFirst, "row " + Arrays.toString(row) + " breaks the stream");
                }
            }
        }
        assertEquals(48, seen.size()); // 52 tokens, 8 rows of 6, 4 dropped
    }

    @Test
    void servesTheSameRowsInTheSameOrderForTheSameSeed() {
        assertEquals(batches(PackedSequences.of(DOCS, 4, 3), 8, 3), batches(PackedSequences.of(DOCS, 4, 3), 8, 3));
    }

    @Test
    void servesAnotherOrderForAnotherSeed() {
        assertNotEquals(batches(PackedSequences.of(DOCS, 4, 3), 1, 13), batches(PackedSequences.of(DOCS, 4, 4), 1, 13));
    }

    @Test
    void wrapsIntoTheNextEpochMidBatchWithEveryRowOncePerEpochInANewOrder() {
        PackedSequences data = PackedSequences.of(DOCS, 4, 11); // 13 rows
        assertEquals(13, data.rowsPerEpoch());
        List<List<Integer>> served = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            served.addAll(rows(data.next(6)));
        }
        assertEquals(new Cursor(2, 4), data.cursor()); // 30 rows: two epochs of 13, then 4
        List<List<Integer>> first = served.subList(0, 13);
        List<List<Integer>> second = served.subList(13, 26);
        assertEquals(13, new HashSet<>(first).size());
        assertEquals(new HashSet<>(first), new HashSet<>(second));
        assertNotEquals(first, second);
    }

    @Test
    void continuesExactlyAsTheUninterruptedRunAfterSeekingToASavedCursor() {
        PackedSequences run = PackedSequences.of(DOCS, 5, 99);
        List<List<List<Integer>>> uninterrupted = new ArrayList<>();
        Cursor afterFour = null;
        for (int i = 1; i <= 10; i++) {
            uninterrupted.add(rows(run.next(3)));
            if (i == 4) {
                afterFour = run.cursor();
            }
        }
        PackedSequences resumed = PackedSequences.of(DOCS, 5, 99);
        resumed.seek(afterFour);
        assertEquals(uninterrupted.subList(4, 10), batches(resumed, 6, 3));
    }

    @Test
    void startsAtTheFirstRowOfTheFirstEpoch() {
        assertEquals(Cursor.START, PackedSequences.of(DOCS, 5, 1).cursor());
    }

    @Test
    void refusesASeqLenBelowTwoTooLittleDataAndACursorPastTheEpoch() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> PackedSequences.of(DOCS, 1, 0))
                .getMessage().contains("seqLen must be at least 2"));
        String message = assertThrows(IllegalArgumentException.class,
                () -> PackedSequences.of(docs(3, 2), 8, 0)).getMessage();
        assertTrue(message.contains("5 tokens") && message.contains("a row needs 8"), message);
        assertThrows(IllegalArgumentException.class, () -> PackedSequences.of(List.of(), 8, 0));
        PackedSequences data = PackedSequences.of(DOCS, 5, 1);
        assertThrows(IllegalArgumentException.class, () -> data.seek(new Cursor(0, 10)));
        assertThrows(IllegalArgumentException.class, () -> data.next(0));
        assertThrows(IllegalArgumentException.class, () -> new Cursor(-1, 0));
    }
}
