package org.layerprune.core.data;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * Groups a stream into batches as it is consumed, so that a streamed dataset stays streamed on
 * its way into the model.
 */
public final class Batches {

    private Batches() {}

    /**
     * Groups items into consecutive batches of {@code batchSize}; the last batch holds what is
     * left and may be smaller. Closing the result closes {@code items} (and so the file).
     *
     * @param items the items, in order
     * @param batchSize the items per batch, at least 1
     * @return the batches, in order
     */
    public static <T> Stream<List<T>> of(Stream<T> items, int batchSize) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batchSize must be at least 1, was " + batchSize);
        }
        Iterator<T> source = items.iterator();
        Iterator<List<T>> batches =
                new Iterator<>() {
                    @Override
                    public boolean hasNext() {
                        return source.hasNext();
                    }

                    @Override
                    public List<T> next() {
                        if (!source.hasNext()) {
                            throw new NoSuchElementException("no more batches");
                        }
                        List<T> batch = new ArrayList<>(batchSize);
                        while (batch.size() < batchSize && source.hasNext()) {
                            batch.add(source.next());
                        }
                        return batch;
                    }
                };
        return StreamSupport.stream(
                        Spliterators.spliteratorUnknownSize(
                                batches, Spliterator.ORDERED | Spliterator.NONNULL),
                        false)
                .onClose(items::close);
    }
}
