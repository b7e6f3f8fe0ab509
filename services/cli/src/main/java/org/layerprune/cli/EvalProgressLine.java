package org.layerprune.cli;

import java.io.PrintWriter;
import org.layerprune.core.eval.EvalProgress;

/** Evaluation progress on stderr: a line at most every two seconds, and one at the end. */
final class EvalProgressLine implements EvalProgress {

    private static final long EVERY_NANOS = 2_000_000_000L;

    private final PrintWriter err;
    private final String what;
    private final long start = System.nanoTime();
    private long lastPrinted;

    EvalProgressLine(PrintWriter err, String what) {
        this.err = err;
        this.what = what;
    }

    @Override
    public void batchDone(int done, int total) {
        long now = System.nanoTime();
        if (now - lastPrinted < EVERY_NANOS && done < total) {
            return;
        }
        lastPrinted = now;
        double seconds = (now - start) / 1e9;
        err.printf("%s: %d/%d, %.1f per second, %.1f s%n", what, done, total, done / Math.max(seconds, 1e-9), seconds);
        err.flush();
    }
}
