package org.layerprune.cli;

import java.io.PrintWriter;
import org.layerprune.core.eval.EvalProgress;
import org.layerprune.core.similarity.ProbeProgress;

/** Progress of a long run on stderr: a line at most every two seconds, and one when a pass ends. */
final class ProgressLine implements ProbeProgress, EvalProgress {

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
        String passText = passes > 1 ? String.format("pass %d/%d, ", pass, passes) : "";
        print(samplesDone, samplesTotal, seconds -> String.format("%s%d/%d sequences, %d tokens, %.0f tokens/s",
                passText, samplesDone, samplesTotal, tokens, tokens / seconds));
    }

    @Override
    public void batchDone(int done, int total) {
        print(done, total, seconds -> String.format("%d/%d, %.1f per second", done, total, done / seconds));
    }

    private void print(int done, int total, java.util.function.DoubleFunction<String> text) {
        long now = System.nanoTime();
        if (now - lastPrinted < EVERY_NANOS && done < total) {
            return;
        }
        lastPrinted = now;
        double seconds = Math.max((now - start) / 1e9, 1e-9);
        err.printf("%s: %s, %.1f s%n", what, text.apply(seconds), seconds);
        err.flush();
    }
}
