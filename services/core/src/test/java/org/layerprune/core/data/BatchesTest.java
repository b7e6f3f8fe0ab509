package org.layerprune.core.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class BatchesTest {

    @Test
    void groupsItemsInOrderWithASmallerLastBatch() {
        List<List<Integer>> batches = Batches.of(Stream.of(1, 2, 3, 4, 5, 6, 7), 3).toList();
        assertEquals(List.of(List.of(1, 2, 3), List.of(4, 5, 6), List.of(7)), batches);
    }

    @Test
    void makesNoBatchOfAnEmptyStream() {
        assertEquals(List.of(), Batches.of(Stream.empty(), 4).toList());
    }

    @Test
    void closingTheBatchesClosesTheSource() {
        AtomicBoolean closed = new AtomicBoolean();
        try (Stream<List<Integer>> batches =
                Batches.of(Stream.of(1, 2).onClose(() -> closed.set(true)), 1)) {
            assertEquals(2, batches.count());
        }
        assertTrue(closed.get());
    }

    @Test
    void rejectsABatchSizeBelowOne() {
        assertThrows(IllegalArgumentException.class, () -> Batches.of(Stream.of(1), 0));
    }
}
