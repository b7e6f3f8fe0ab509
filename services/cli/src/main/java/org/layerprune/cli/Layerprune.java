package org.layerprune.cli;

import java.io.PrintWriter;
import java.util.OptionalInt;
import java.util.Set;
import org.layerprune.core.runtime.NativeMemory;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The layerprune command line. Every command prints JSON on stdout with {@code --json} (a contract other
 * tools read) and a readable table otherwise; errors go to stderr with a non-zero exit code. Most commands work on a
 * checkpoint on this machine; {@code submit}, {@code status}, {@code watch}, {@code curve} and {@code heatmap} talk to a
 * running pipeline's control service over HTTP.
 */
@Command(name = "layerprune",
        mixinStandardHelpOptions = true,
        version = "layerprune 0.1.0",
        description = {"Find and remove the most redundant block of layers of a Llama-family LLM.",
                "On a checkpoint here: info, logits, generate, init, probe, prune, eval, heal, bench.",
                "Against a running pipeline: submit, status, watch, curve, heatmap",
                "(--url, default $LAYERPRUNE_URL or http://localhost:8080)."},
        subcommands = {InfoCommand.class, LogitsCommand.class, GenerateCommand.class, InitCommand.class, ProbeCommand.class, PruneCommand.class, EvalCommand.class, HealCommand.class,
                BenchCommand.class, SubmitCommand.class, StatusCommand.class, WatchCommand.class, CurveCommand.class,
                HeatmapCommand.class})
public final class Layerprune {

    /** Exit code of a command that failed on its input or at run time (usage errors are picocli's 2). */
    static final int FAILED = 1;

    /** Commands that only talk HTTP to a control service: no libtorch, so no restart for its allocator. */
    private static final Set<String> PIPELINE_COMMANDS = Set.of("submit", "status", "watch", "curve", "heatmap");

    public static void main(String[] args) {
        OptionalInt child = args.length > 0 && PIPELINE_COMMANDS.contains(args[0]) ? OptionalInt.empty()
                : Relaunch.inChildIfNeeded(args);
        System.exit(child.isPresent() ? child.getAsInt()
                : run(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args));
    }

    /**
     * Runs one command line, printing results on {@code out} and errors on {@code err}; returns the exit code. Public
     * for tests of other modules that run the CLI in-process against a running pipeline.
     */
    public static int run(PrintWriter out, PrintWriter err, String... args) {
        // DJL must never reach for the network: libtorch comes from the classpath, telemetry stays off.
        System.setProperty("ai.djl.offline", System.getProperty("ai.djl.offline", "true"));
        System.setProperty("OPT_OUT_TRACKING", "true");
        NativeMemory.retainFreedMemory();
        CommandLine cli = new CommandLine(new Layerprune()).setOut(out).setErr(err);
        cli.setExecutionExceptionHandler((e, commandLine, parsed) -> {
            commandLine.getErr().println("layerprune " + commandLine.getCommandName() + ": " + message(e));
            if (e instanceof ControlApiException refused) {
                refused.fields().forEach(field -> commandLine.getErr().println("  " + field));
            }
            return FAILED;
        });
        return cli.execute(args);
    }

    private static String message(Exception e) {
        String message = e.getMessage();
        return message == null || message.isBlank() ? e.toString() : message;
    }
}
