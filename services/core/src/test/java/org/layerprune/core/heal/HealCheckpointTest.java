package org.layerprune.core.heal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalDouble;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.layerprune.core.model.LlamaConfig;

/** Healing checkpoints on disk: exact round trips, only the newest kept, damaged ones passed over. */
class HealCheckpointTest {

    private static final LoraConfig LORA = new LoraConfig(2, 4, 0.05, List.of("q_proj", "down_proj"));

    @TempDir
    Path tmp;

    @Test
    void readsBackEveryFactorMomentAndCounterExactly() {
        HealCheckpoint written = checkpoint(4, 1);
        written.write(tmp);
        HealCheckpoint read = HealCheckpoint.latest(tmp).orElseThrow();

        assertEquals(4, read.steps());
        assertEquals(written.trainer().weights(), read.trainer().weights());
        AdamW.State a = written.trainer().optimizer();
        AdamW.State b = read.trainer().optimizer();
        assertEquals(a.updates(), b.updates());
        for (int i = 0; i < a.means().size(); i++) {
            assertArrayEquals(a.means().get(i), b.means().get(i));
            assertArrayEquals(a.variances().get(i), b.variances().get(i));
        }
        assertEquals(written.progress(), read.progress());
        assertEquals(written.identity().toString(), read.identity().toString());
    }

    @Test
    void keepsOnlyTheNewest() throws IOException {
        checkpoint(2, 1).write(tmp);
        checkpoint(4, 2).write(tmp);
        assertEquals(List.of("step-000004"), names(tmp));
        assertEquals(4, HealCheckpoint.latest(tmp).orElseThrow().steps());
    }

    @Test
    void passesOverADamagedCheckpointForTheOneBefore() throws IOException {
        checkpoint(2, 1).write(tmp);
        Path newer = tmp.resolve("step-000004");
        copyTree(tmp.resolve("step-000002"), newer);
        try (FileChannel file = FileChannel.open(newer.resolve(HealCheckpoint.TENSORS_FILE),
                StandardOpenOption.WRITE)) {
            file.write(ByteBuffer.wrap(new byte[] {42}), file.size() - 1); // one flipped byte, as a bad disk leaves
        }
        assertEquals(2, HealCheckpoint.latest(tmp).orElseThrow().steps());
    }

    @Test
    void noCheckpointUnderAMissingOrEmptyRoot() throws IOException {
        assertTrue(HealCheckpoint.latest(tmp.resolve("absent")).isEmpty());
        Files.createDirectories(tmp.resolve("step-000006.tmp-partial"));
        assertTrue(HealCheckpoint.latest(tmp).isEmpty());
    }

    @Test
    void namesTheFileOfAStateWithoutItsCursor() throws IOException {
        checkpoint(2, 1).write(tmp);
        Path dir = tmp.resolve("step-000002");
        Path state = dir.resolve(HealCheckpoint.STATE_FILE);
        Files.writeString(state, Files.readString(state).replace("\"cursor\"", "\"kursor\""));
        Files.delete(dir.resolve("manifest.json")); // so the edit is not taken for damage
        org.layerprune.core.checkpoint.CheckpointException e = assertThrows(
                org.layerprune.core.checkpoint.CheckpointException.class, () -> HealCheckpoint.read(dir));
        assertEquals(state + ": no \"cursor\"", e.getMessage());
    }

    private static HealCheckpoint checkpoint(long steps, long seed) {
        LlamaConfig config = LlamaConfig.parse(LoraFixtures.llamaConfig());
        LoraWeights weights = LoraFixtures.randomWeights(config, LORA, seed, 0.3);
        SplittableRandom random = new SplittableRandom(seed + 100);
        List<float[]> means = new ArrayList<>();
        List<float[]> variances = new ArrayList<>();
        for (LoraPair pair : weights.pairs()) {
            for (float[] factor : List.of(pair.a(), pair.b())) {
                means.add(LoraFixtures.gaussians(random, factor.length, 0.01));
                variances.add(LoraFixtures.gaussians(random, factor.length, 0.001));
            }
        }
        ObjectNode identity = JsonNodeFactory.instance.objectNode();
        ObjectNode settings = identity.putObject("settings");
        LORA.targetModules().forEach(settings.putArray("targets")::add);
        identity.put("layers", config.numHiddenLayers());
        return new HealCheckpoint(steps, new LoraTrainer.State(steps, weights, new AdamW.State(steps, means,
                variances)), new HealCheckpoint.Progress(new PackedSequences.Cursor(1, 7), 12.5, 3.25,
                OptionalDouble.of(8.1)), identity);
    }

    private static List<String> names(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    private static void copyTree(Path from, Path to) throws IOException {
        Files.createDirectories(to);
        try (Stream<Path> files = Files.list(from)) {
            for (Path file : files.toList()) {
                Files.copy(file, to.resolve(file.getFileName()));
            }
        }
    }
}
