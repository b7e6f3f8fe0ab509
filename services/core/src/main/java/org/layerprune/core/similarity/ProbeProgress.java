package org.layerprune.core.similarity;

/** Told after each batch of a probe, so long runs can show how far they are. */
@FunctionalInterface
public interface ProbeProgress {

    ProbeProgress NONE = (done, total, tokens, passes, totalPasses) -> { };

    /**
     * @param samplesDone   sequences done in the current pass
     * @param samplesTotal  sequences per pass
     * @param tokens        real tokens processed so far, all passes together
     * @param pass          the current pass, 1-based (always 1 for the one-pass metrics)
     * @param passes        passes in all
     */
    void batchDone(int samplesDone, int samplesTotal, long tokens, int pass, int passes);
}
