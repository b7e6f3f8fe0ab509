package org.layerprune.cli;

import java.io.PrintWriter;
import java.util.OptionalInt;
import org.layerprune.core.runtime.NativeMemory;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The layerprune command line. Every command prints JSON on stdout with {@code --json} (a contract other
 * tools read) and a readable table otherwise; errors go to stderr with a non-zero exit code.
 */
@Command(name = "layerprune",
        mixinStandardHelpOptions = true,
        version = "layerprune 0.1.0",
        description = "Find and remove the most redundant block of layers of a Llama-family LLM.",
        subcommands = {InfoCommand.class, LogitsCommand.class, GenerateCommand.class, InitCommand.class, ProbeCommand.class, PruneCommand.class, EvalCommand.class, HealCommand.class,
                BenchCommand.class})
public final class Layerprune {

    /** Exit code of a command that failed on its input or at run time (usage errors are picocli's 2). */
    static final int FAILED = 1;

    public static void main(String[] args) {
        OptionalInt child = Relaunch.inChildIfNeeded(args);
        System.exit(child.isPresent() ? child.getAsInt()
                : run(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args));
    }

    /** Runs one command line, printing results on {@code out} and errors on {@code err}; returns the exit code. */
    static int run(PrintWriter out, PrintWriter err, String... args) {
        // DJL must never reach for the network: libtorch comes from the classpath, telemetry stays off.
        System.setProperty("ai.djl.offline", System.getProperty("ai.djl.offline", "true"));
        System.setProperty("OPT_OUT_TRACKING", "true");
        NativeMemory.retainFreedMemory();
        CommandLine cli = new CommandLine(new Layerprune()).setOut(out).setErr(err);
        cli.setExecutionExceptionHandler((e, commandLine, parsed) -> {
            commandLine.getErr().println("layerprune " + commandLine.getCommandName() + ": " + message(e));
            return FAILED;
        });
        return cli.execute(args);
    }

    private static String message(Exception e) {
        String message = e.getMessage();
        return message == null || message.isBlank() ? e.toString() : message;
    }
}
