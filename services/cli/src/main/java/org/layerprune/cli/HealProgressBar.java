package org.layerprune.cli;

import java.io.PrintWriter;
import org.layerprune.core.heal.Healer;
import org.layerprune.core.heal.TrainingLog;

/**
 * A healing run's progress on stderr: {@code [#####.....] 120/5000 loss 2.3100 lr 3.00e-04 5210 tok/s ETA 1h02m}.
 * On a terminal the bar is redrawn in place; otherwise (a log file, a pipe) a line is printed every ten seconds and
 * at the last update, so logs stay short.
 */
final class HealProgressBar implements Healer.Listener {

    private static final int WIDTH = 30;
    private static final long LINE_EVERY_NANOS = 10_000_000_000L;

    private final PrintWriter err;
    private final boolean terminal;
    private long firstStep;
    private long startNanos;
    private long lastLine;

    HealProgressBar(PrintWriter err, boolean terminal) {
        this.err = err;
        this.terminal = terminal;
    }

    @Override
    public void started(long fromStep, long totalSteps) {
        firstStep = fromStep;
        startNanos = System.nanoTime();
        err.printf(fromStep == 0 ? "heal: %d updates%n" : "heal: resuming at update %d of %d%n",
                fromStep == 0 ? totalSteps : fromStep, totalSteps);
        err.flush();
    }

    @Override
    public void stepDone(TrainingLog.Entry entry, long totalSteps) {
        long now = System.nanoTime();
        boolean last = entry.step() == totalSteps;
        if (!terminal && now - lastLine < LINE_EVERY_NANOS && !last && entry.evalLoss().isEmpty()) {
            return;
        }
        lastLine = now;
        String line = line(entry, totalSteps, now);
        if (terminal) {
            err.print("\r" + line + (last ? "\n" : ""));
        } else {
            err.println(line);
        }
        err.flush();
    }

    @Override
    public void phase(String what) {
        if (what.equals("checkpointing")) {
            return; // frequent and quick: the bar would flicker
        }
        err.print((terminal ? "\r\033[K" : "") + "heal: " + what + "\n");
        err.flush();
    }

    private String line(TrainingLog.Entry entry, long totalSteps, long now) {
        int filled = (int) (WIDTH * entry.step() / totalSteps);
        String bar = "#".repeat(filled) + ".".repeat(WIDTH - filled);
        double perStep = (now - startNanos) / 1e9 / Math.max(1, entry.step() - firstStep);
        String eval = entry.evalLoss().isPresent() ? String.format(" eval %.4f", entry.evalLoss().getAsDouble()) : "";
        return String.format("[%s] %d/%d loss %.4f%s lr %.2e %.0f tok/s ETA %s", bar, entry.step(), totalSteps,
                entry.loss(), eval, entry.lr(), entry.tokensPerSecond(),
                duration(perStep * (totalSteps - entry.step())));
    }

    static String duration(double seconds) {
        long s = Math.round(seconds);
        if (s >= 3600) {
            return String.format("%dh%02dm", s / 3600, s % 3600 / 60);
        }
        return s >= 60 ? String.format("%dm%02ds", s / 60, s % 60) : s + "s";
    }
}
