package org.layerprune.heal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.UUID;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.layerprune.contracts.events.Event;
import org.layerprune.contracts.events.HealProgress;
import org.layerprune.contracts.events.HealSettings;
import org.layerprune.contracts.events.LoraTarget;
import org.layerprune.contracts.events.PruneStrategy;
import org.layerprune.contracts.events.Quantization;
import org.layerprune.contracts.events.VariantHealed;
import org.layerprune.contracts.events.VariantId;
import org.layerprune.contracts.events.VariantPruned;
import org.layerprune.core.heal.HealResult;
import org.layerprune.core.heal.Healer;
import org.layerprune.core.prune.BlockSelection;
import org.layerprune.core.prune.LayerPruner;
import org.layerprune.core.prune.PruneReport;
import org.layerprune.core.prune.Provenance;
import org.layerprune.stage.ArtifactRoot;
import org.layerprune.stage.testing.EventClient;
import org.layerprune.stage.testing.SharedFixtures;
import org.layerprune.testkit.EmbeddedKafkaBroker;
import org.layerprune.testkit.PackagedApp;

/**
 * Two heal-service processes (the packaged app) in one consumer group on a broker in this JVM: the one healing a
 * variant is killed (SIGKILL, no chance to checkpoint or commit) or stopped (SIGTERM), and the other gets the
 * unacknowledged record once the group notices and resumes the heal from the last checkpoint in the shared artifact
 * root: a periodic one after a kill, the one written on the way out after a stop.
 */
class HealWorkersIT {

    private static final Duration WITHIN = Duration.ofMinutes(5);
    private static final int STEPS = 300;

    @Test
    void anotherWorkerResumesTheVariantOfAKilledOne() throws Exception {
        handOver(20, false);
    }

    /** A graceful stop (SIGTERM) checkpoints where the heal is, long before its next periodic checkpoint (100). */
    @Test
    void aWorkerThatStopsCheckpointsAndAnotherResumesFromThere() throws Exception {
        handOver(100, true);
    }

    /**
     * Starts two workers, sends one variant, and once it has made 60 updates stops the worker healing it: killed or
     * gracefully; checks that the other finishes it from a checkpoint.
     */
    private static void handOver(int checkpointEvery, boolean graceful) throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        Path target = Path.of("target").toAbsolutePath();
        ArtifactRoot root = new ArtifactRoot(target.resolve("it-artifact-root-" + run));
        SharedFixtures.install(root.dir());
        List<Worker> workers = new ArrayList<>();
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(target.resolve("it-kafka-" + run));
                EventClient kafka = new EventClient(broker.bootstrapServers())) {
            broker.createTopics(List.of("variants.pruned", "heal.progress", "variants.healed", "stage.failed",
                    "heal-service.dlq"), 2);
            for (String name : List.of("a", "b")) {
                workers.add(Worker.start(name, broker.bootstrapServers(), root.dir(), target));
            }
            for (Worker worker : workers) {
                worker.awaitStarted();
            }
            VariantPruned variant = pruned(root, SharedFixtures.experimentId(graceful ? "stopped" : "killed"),
                    checkpointEvery);
            VariantId healedId = variant.variantId().healed();
            kafka.send(variant);

            kafka.awaitEvents(HealProgress.TYPE, e -> e.variantId().equals(healedId) && e.step() >= 60, 1, WITHIN);
            Worker healing = workers.stream().filter(w -> w.healing(variant.variantId())).findFirst().orElseThrow();
            if (graceful) {
                // SIGTERM: Quarkus shuts down, the heal checkpoints first
                assertTrue(healing.app.stop(WITHIN), healing.name + " did not end on SIGTERM: " + healing.log());
                assertTrue(healing.log().contains("cancelling the heal"), healing.log());
            } else {
                healing.app.kill(); // SIGKILL: no checkpoint, no commit
            }
            Worker survivor = workers.stream().filter(w -> w != healing).findFirst().orElseThrow();

            VariantHealed healed = kafka.awaitEvents(VariantHealed.TYPE, e -> e.variantId().equals(healedId), 1,
                    WITHIN).get(0);
            HealResult result = HealResult.read(root.healDir(healedId).resolve(Healer.RESULT_FILE));

            assertEquals(STEPS, healed.steps());
            assertTrue(result.resumedFrom() >= 60 && (graceful || result.resumedFrom() % checkpointEvery == 0),
                    "resumed from " + result.resumedFrom());
            assertTrue(survivor.log().contains("healing " + variant.variantId() + " from update "
                    + result.resumedFrom()), survivor.log());
        } finally {
            workers.forEach(worker -> worker.app.kill());
        }
    }

    /** stories260K with layers 1 and 2 removed, healed for long enough to be stopped on the way. */
    private static VariantPruned pruned(ArtifactRoot root, String experimentId, int checkpointEvery) {
        VariantId id = VariantId.pruned(experimentId, 2);
        PruneReport report = LayerPruner.prune(root.dir().resolve(SharedFixtures.MODEL.path()),
                BlockSelection.of(1, 2, 5), Provenance.manual(), root.checkpointDir(id), false);
        HealSettings heal = new HealSettings(SharedFixtures.CALIBRATION, SharedFixtures.EVAL, STEPS, 10, 1e-3, 4, 4.0,
                0.05, Quantization.NF4, List.of(LoraTarget.GATE_PROJ, LoraTarget.UP_PROJ, LoraTarget.DOWN_PROJ), 4, 64,
                7, checkpointEvery);
        return new VariantPruned(Event.SCHEMA_VERSION, experimentId, id, Instant.now(), 2, OptionalInt.of(1),
                PruneStrategy.SIMILARITY, List.of(1, 2), 5, 3, root.ref(report.output()), report.outputHash(),
                SharedFixtures.modelHash(root.dir()), report.parameters(), 0.1, heal, SharedFixtures.evalTasks());
    }

    /** One heal-service process, its console in a file. */
    private record Worker(String name, PackagedApp app) {

        private static final Pattern STARTED = Pattern.compile("heal-service.*started in");

        static Worker start(String name, String bootstrapServers, Path root, Path target) {
            Path jar = Path.of(System.getProperty("heal-service.jar", "target/quarkus-app/quarkus-run.jar"));
            PackagedApp app = PackagedApp.builder("heal-service " + name, jar)
                    .jvmOptions("-Dai.djl.offline=true", "--enable-native-access=ALL-UNNAMED", "-Xmx1g",
                            "-Dai.djl.pytorch.num_threads=1", "-Dquarkus.http.port=0",
                            // notice a killed worker within seconds rather than the default 45 s
                            "-Dmp.messaging.incoming.heal-variants-pruned.session.timeout.ms=6000",
                            "-Dmp.messaging.incoming.heal-variants-pruned.heartbeat.interval.ms=1000")
                    .env("KAFKA_BOOTSTRAP_SERVERS", bootstrapServers)
                    .env("LAYERPRUNE_ARTIFACT_ROOT", root.toString())
                    .log(target.resolve("it-heal-service-" + name + "-" + UUID.randomUUID().toString().substring(0, 8)
                            + ".log"))
                    .start();
            return new Worker(name, app);
        }

        String log() {
            return app.log();
        }

        /** Whether this worker holds {@code variant} now: it started (or resumed) the heal and has not let it go. */
        boolean healing(VariantId variant) {
            String log = log();
            return app.isAlive() && log.lastIndexOf("healing " + variant + " from update")
                    > log.lastIndexOf("cancelling the heal");
        }

        void awaitStarted() {
            app.awaitLog(STARTED, Duration.ofMinutes(2));
        }
    }
}
