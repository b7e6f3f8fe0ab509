package org.layerprune.cli;

import java.io.PrintWriter;
import org.layerprune.core.similarity.ProbeProgress;

/** Progress of a long run on stderr: a line at most every two seconds, and one at the end of each pass. */
final class ProgressLine implements ProbeProgress {

    private static final long EVERY_NANOS = 2_000_000_000L;

    private final PrintWriter err;
    private final String what;
    private final long start = System.nanoTime();
    private long lastPrinted;

    ProgressLine(PrintWriter err, String what) {
        this.err = err;
        this.what = what;
    }

    @Override
    public void batchDone(int samplesDone, int samplesTotal, long tokens, int pass, int passes) {
        long now = System.nanoTime();
        if (now - lastPrinted < EVERY_NANOS && samplesDone < samplesTotal) {
            return;
        }
        lastPrinted = now;
        double seconds = (now - start) / 1e9;
        String passText = passes > 1 ? String.format("pass %d/%d, ", pass, passes) : "";
        err.printf("%s: %s%d/%d sequences, %d tokens, %.0f tokens/s, %.1f s%n", what, passText, samplesDone,
                samplesTotal, tokens, tokens / Math.max(seconds, 1e-9), seconds);
        err.flush();
    }
}
