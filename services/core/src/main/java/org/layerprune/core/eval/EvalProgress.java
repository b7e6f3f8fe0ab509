package org.layerprune.core.eval;

/** Told after each batch of an evaluation, so long runs can show how far they are. */
@FunctionalInterface
public interface EvalProgress {

    EvalProgress NONE = (done, total) -> { };

    /**
     * @param done  sequences or questions scored so far
     * @param total how many there are in all
     */
    void batchDone(int done, int total);
}
