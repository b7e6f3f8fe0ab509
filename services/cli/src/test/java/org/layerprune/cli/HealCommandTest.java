package org.layerprune.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.layerprune.core.heal.Healer;
import org.layerprune.core.heal.PeftAdapter;
import org.layerprune.core.heal.TrainingLog;
import org.layerprune.core.runtime.NativeMemory;

/** {@code heal} on stories260K without its l*(2) block (layers 2..3). */
class HealCommandTest {

    private static final int STEPS = 12;

    @TempDir
    static Path tmp;

    private static Path pruned;

    @BeforeAll
    static void prune() {
        pruned = tmp.resolve("pruned");
        Cli.Result result = Cli.run("prune", "--model", Fixtures.stories260K().toString(), "--start", "2", "--count",
                "2", "--out", pruned.toString());
        assertEquals(0, result.exitCode(), result.toString());
    }

    @Test
    void printsTheContractAndTheMergedModelScoresTheLossOfTheAdapterInMemory() {
        Path out = tmp.resolve("contract");
        Cli.Result healed = Cli.run(heal(out, "--steps", "8", "--json"));
        assertEquals(0, healed.exitCode(), healed.toString());
        JsonNode json = healed.json();
        for (String field : List.of("steps", "tokens", "train_loss", "eval_loss_before", "eval_loss_after", "adapter",
                "merged", "seconds")) {
            assertTrue(json.has(field), field + " in " + json);
        }
        assertEquals(8, json.get("steps").asInt());
        assertEquals(8 * 8 * 128, json.get("tokens").asLong());
        assertEquals(out.resolve(Healer.ADAPTER_DIR).toString(), json.get("adapter").asText());
        double before = json.get("eval_loss_before").asDouble();
        double after = json.get("eval_loss_after").asDouble();
        assertTrue(after < before, before + " -> " + after);

        Cli.Result eval = Cli.run("eval", "--model", json.get("merged").asText(), "--task", "loss", "--data",
                Fixtures.stories260KEval().toString(), "--json");
        assertEquals(0, eval.exitCode(), eval.toString());
        assertEquals(after, eval.json().get("metrics").get("loss").asDouble(), 1e-5);
        assertTrue(healed.err().contains("[##############################] 8/8 loss"), healed.err());
    }

    /**
     * A child JVM runs {@code heal} and is killed with SIGKILL after it has logged an update past its second
     * checkpoint; the same command then completes the run, and its adapter is byte for byte that of a run never
     * interrupted.
     */
    @Test
    void aRunKilledWithSigkillResumesToTheAdapterOfAnUninterruptedRun() throws Exception {
        Path straight = tmp.resolve("straight");
        assertEquals(0, Cli.run(heal(straight, "--steps", Integer.toString(STEPS))).exitCode());

        Path killed = tmp.resolve("killed");
        Process child = child(heal(killed, "--steps", Integer.toString(STEPS)), tmp.resolve("child.log"));
        Path log = killed.resolve(Healer.LOG_FILE);
        long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
        while (loggedSteps(log) < 5 && child.isAlive() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertTrue(child.isAlive(), "the child finished before it could be killed: "
                + Files.readString(tmp.resolve("child.log")));
        child.destroyForcibly(); // SIGKILL: no shutdown hook, no last checkpoint
        child.waitFor();
        assertEquals(137, child.exitValue());
        long killedAt = loggedSteps(log);
        assertTrue(killedAt >= 5 && killedAt < STEPS, "killed after " + killedAt + " updates");

        Cli.Result resumed = Cli.run(heal(killed, "--steps", Integer.toString(STEPS), "--json"));
        assertEquals(0, resumed.exitCode(), resumed.toString());
        long from = resumed.json().get("resumed_from").asLong();
        assertTrue(from >= 4 && from <= killedAt && from % 2 == 0, "resumed from " + from + ", killed at " + killedAt);
        assertEquals(-1, Files.mismatch(straight.resolve("adapter").resolve(PeftAdapter.WEIGHTS_FILE),
                killed.resolve("adapter").resolve(PeftAdapter.WEIGHTS_FILE)));
        assertEquals(TrainingLog.read(straight.resolve(Healer.LOG_FILE)).stream().map(TrainingLog.Entry::loss).toList(),
                TrainingLog.read(log).stream().map(TrainingLog.Entry::loss).toList());
    }

    private static String[] heal(Path out, String... more) {
        List<String> args = new ArrayList<>(List.of("heal", "--model", pruned.toString(), "--data",
                Fixtures.stories260KCalibration().toString(), "--eval-data", Fixtures.stories260KEval().toString(),
                "--eval-limit", "64", "--seq-len", "128", "--batch-size", "8", "--micro-batch-size", "4", "--rank",
                "8", "--lr", "3e-3", "--warmup", "2", "--eval-every", "0", "--checkpoint-every", "2", "--out",
                out.toString()));
        args.addAll(List.of(more));
        return args.toArray(String[]::new);
    }

    /** The CLI in a JVM of its own, with this JVM's options and class path; output to {@code log}. */
    private static Process child(String[] args, Path log) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElseThrow());
        command.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments());
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(Layerprune.class.getName());
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().putAll(NativeMemory.ENVIRONMENT); // so it does not relaunch itself in a grandchild
        return builder.start();
    }

    private static long loggedSteps(Path log) throws IOException {
        if (!Files.exists(log)) {
            return 0;
        }
        try (Stream<String> lines = Files.lines(log)) {
            return lines.filter(line -> line.endsWith("}")).count();
        }
    }
}
