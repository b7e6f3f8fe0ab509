package org.layerprune.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.layerprune.contracts.events.BlockSizes;
import org.layerprune.contracts.events.CalibrationSettings;
import org.layerprune.contracts.events.Event;
import org.layerprune.contracts.events.EventType;
import org.layerprune.contracts.events.ExperimentRequested;
import org.layerprune.contracts.events.HealProgress;
import org.layerprune.contracts.events.HealSettings;
import org.layerprune.contracts.events.LoraTarget;
import org.layerprune.contracts.events.ProbeMetric;
import org.layerprune.contracts.events.PruneStrategy;
import org.layerprune.contracts.events.Quantization;
import org.layerprune.contracts.events.ScoreMetric;
import org.layerprune.contracts.events.SimilarityProbed;
import org.layerprune.contracts.events.StageFailed;
import org.layerprune.contracts.events.VariantEvaluated;
import org.layerprune.contracts.events.VariantHealed;
import org.layerprune.contracts.events.VariantPruned;
import org.layerprune.contracts.events.VariantStage;
import org.layerprune.contracts.events.ArtifactModel;
import org.layerprune.contracts.kafka.Topics;
import org.layerprune.stage.testing.EventClient;
import org.layerprune.stage.testing.SharedFixtures;
import org.layerprune.testkit.EmbeddedKafkaBroker;
import org.layerprune.testkit.GrafanaDashboards;
import org.layerprune.testkit.PackagedApp;

/**
 * The whole pipeline: the four packaged services (probe, prune, heal, eval) as processes on one broker in this JVM
 * run a stories260K experiment (block sizes 1..4, a short heal, the loss task) until every variant is evaluated,
 * pruned and healed, and the baseline too; the same request sent again is answered from the recorded outputs
 * without computing anything, with the same results. On the way the heal worker is killed (SIGKILL) in the middle of
 * its first variant and a new one is started in its place: it resumes that variant from its last checkpoint and heals
 * the rest. Prints and writes (target/pipeline-it-timings.json) the end-to-end time and how much of it is stage
 * compute, and how long the handover took.
 */
class PipelineIT {

    private static final Duration WITHIN = Duration.ofMinutes(8);
    private static final List<String> SERVICES = List.of("probe", "prune", "heal", "eval");
    private static final List<Integer> BLOCK_SIZES = List.of(1, 2, 3, 4);
    /** Heal updates per variant, a checkpoint every few, and the update after which the first heal worker dies. */
    private static final int HEAL_STEPS = 24;
    private static final int CHECKPOINT_EVERY = 4;
    private static final int KILL_AFTER = 8;
    private static final Pattern RESUMED = Pattern.compile("healing (\\S+) from update (\\d+) of");
    private static final Pattern METRIC = Pattern.compile(
            "^layerprune_stage_outcome_total\\{([^}]*)\\}\\s+([0-9.Ee+-]+)$", Pattern.MULTILINE);

    @Test
    void anExperimentRunsThroughEveryStageOnceAndAgainFromItsOutputs() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        Path target = Path.of("target").toAbsolutePath();
        Path root = target.resolve("e2e-artifact-root-" + run);
        SharedFixtures.install(root);
        Path services = Path.of(System.getProperty("services.dir", "..")).toAbsolutePath().normalize();
        List<Service> started = new ArrayList<>();
        Map<String, Object> timings = new LinkedHashMap<>();
        long t0 = System.nanoTime();
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(target.resolve("e2e-kafka-" + run));
                EventClient kafka = new EventClient(broker.bootstrapServers());
                Collector events = new Collector(broker.bootstrapServers())) {
            List<String> topics = new ArrayList<>(Topics.EVENT_TYPES.stream().map(EventType::name).toList());
            SERVICES.forEach(s -> topics.add(s + "-service" + Topics.DEAD_LETTER_SUFFIX));
            broker.createTopics(topics, 2);
            timings.put("brokerStartSeconds", seconds(System.nanoTime() - t0));

            long launch = System.nanoTime();
            for (String name : SERVICES) {
                started.add(Service.start(name, services, broker.bootstrapServers(), root, target, run));
            }
            Map<String, Object> startup = new LinkedHashMap<>();
            for (Service service : started) {
                startup.put(service.name, service.awaitStarted());
            }
            timings.put("servicesStartSeconds", startup);
            timings.put("allServicesReadySeconds", seconds(System.nanoTime() - launch));
            events.start(topics);

            // 1. One experiment, from request to nine evaluations.
            String experimentId = SharedFixtures.experimentId("e2e");
            ExperimentRequested request = request(experimentId);
            Instant sent = Instant.now();
            kafka.send(request);

            // 1a. The heal worker dies in the middle of its first variant; a new one takes its place and resumes it.
            HealProgress midway = events.await(HealProgress.TYPE, experimentId, p -> p.step() >= KILL_AFTER, started);
            Service killed = started.stream().filter(s -> s.name.equals("heal")).findFirst().orElseThrow();
            killed.app.kill(); // no checkpoint on the way out, no commit
            Instant killedAt = Instant.now();
            started.remove(killed);
            Service replacement = Service.start("heal", services, broker.bootstrapServers(), root, target,
                    run + "-replacement");
            started.add(replacement);
            double replacementStart = replacement.awaitStarted();
            HealProgress resumed = events.await(HealProgress.TYPE, experimentId,
                    p -> p.variantId().equals(midway.variantId()) && p.time().isAfter(killedAt), started);
            Instant resumedAt = events.arrivalOf(resumed);

            Map<String, VariantEvaluated> first = events.awaitEvaluations(experimentId, 9, started);
            Instant done = events.lastEvaluationArrival();
            Map<String, String> scrapes = scrapes(started);
            Map<String, Map<String, Double>> afterFirst = outcomes(scrapes);
            for (Map.Entry<String, String> scrape : scrapes.entrySet()) { // kept, for whoever edits the dashboard
                Files.writeString(target.resolve("pipeline-it-" + scrape.getKey() + "-service.prom"),
                        scrape.getValue());
            }

            // what the provisioned Grafana dashboard queries, the running services really export
            assertEquals(Map.of(), GrafanaDashboards.missing(services.getParent().resolve("deploy/grafana/dashboards"),
                    scrapes.values()), "dashboard metrics no service exports");

            assertEquals(List.of(), events.of(StageFailed.TYPE, experimentId), "stage.failed");
            // once each: eval-service's two consumers no longer take each other's partitions away mid-record
            assertEquals(9, events.of(VariantEvaluated.TYPE, experimentId).size(), "variants.evaluated events");
            double baseline = loss(first.get(experimentId + "-n0-baseline"));
            Map<Integer, double[]> losses = new TreeMap<>();
            for (int n : BLOCK_SIZES) {
                double pruned = loss(first.get(experimentId + "-n" + n + "-pruned"));
                double healed = loss(first.get(experimentId + "-n" + n + "-healed"));
                losses.put(n, new double[] {pruned, healed});
            }
            System.out.printf(Locale.ROOT, "[PipelineIT] loss: baseline %.4f%n", baseline);
            losses.forEach((n, l) -> System.out.printf(Locale.ROOT, "[PipelineIT] loss: n=%d pruned %.4f healed %.4f%n",
                    n, l[0], l[1]));
            for (Map.Entry<Integer, double[]> e : losses.entrySet()) {
                assertTrue(e.getValue()[0] > baseline, "n=" + e.getKey() + ": pruned " + e.getValue()[0]
                        + " is not above the baseline's " + baseline);
                assertTrue(e.getValue()[1] < e.getValue()[0], "n=" + e.getKey() + ": healed " + e.getValue()[1]
                        + " is not below pruned " + e.getValue()[0]);
            }
            for (String service : SERVICES) {
                assertEquals(0.0, count(afterFirst, service, "reused") + count(afterFirst, service, "failed"),
                        service + " " + afterFirst.get(service));
            }
            long resumedFrom = resumedFrom(replacement, midway.sourceVariantId().toString());
            assertTrue(resumedFrom > 0 && resumedFrom % CHECKPOINT_EVERY == 0 && resumedFrom <= midway.step(),
                    "the replacement healed " + midway.variantId() + " from update " + resumedFrom + ", killed after "
                    + midway.step());
            assertEquals(4.0, count(afterFirst, "heal", "success"), "the replacement heals every variant");

            // 2. The same request again: every stage finds its outputs and re-emits them, nothing is computed.
            kafka.send(request);
            Map<String, List<VariantEvaluated>> both = events.awaitEvaluationsTwice(experimentId, 9, started);
            Map<String, Map<String, Double>> afterSecond = outcomes(scrapes(started));
            for (Map.Entry<String, List<VariantEvaluated>> e : both.entrySet()) {
                assertEquals(e.getValue().get(0), e.getValue().get(1), e.getKey() + " re-emitted differently");
            }
            Map<String, Integer> units = Map.of("probe", 1, "prune", 5, "heal", 4, "eval", 9);
            for (String service : SERVICES) {
                assertEquals(count(afterFirst, service, "success"), count(afterSecond, service, "success"),
                        service + " computed again: " + afterSecond.get(service));
                assertTrue(count(afterSecond, service, "reused") >= 1, service + " reused nothing: "
                        + afterSecond.get(service));
            }
            assertEquals(List.of(), events.of(StageFailed.TYPE, experimentId), "stage.failed");

            // 3. Where the time went.
            double endToEnd = Duration.between(sent, done).toMillis() / 1000.0;
            double handover = Duration.between(killedAt, resumedAt).toMillis() / 1000.0;
            timings.put("endToEndSeconds", endToEnd);
            timings.put("healWorkerHandover", Map.of("variant", midway.variantId().toString(), "killedAfterUpdate",
                    midway.step(), "resumedFromUpdate", resumedFrom, "replacementStartSeconds", replacementStart,
                    "killToResumedProgressSeconds", handover));
            timings.putAll(computeSplit(events, experimentId, endToEnd, handover));
            timings.put("successCounts", SERVICES.stream().collect(Collectors.toMap(s -> s,
                    s -> count(afterFirst, s, "success"), (a, b) -> a, LinkedHashMap::new)));
            timings.put("reusedCountsAfterSecondRequest", SERVICES.stream().collect(Collectors.toMap(s -> s,
                    s -> count(afterSecond, s, "reused"), (a, b) -> a, LinkedHashMap::new)));
            timings.put("expectedUnits", units);
            Map<String, Object> lossTable = new LinkedHashMap<>();
            lossTable.put("baseline", baseline);
            losses.forEach((n, l) -> lossTable.put("n" + n, Map.of("pruned", l[0], "healed", l[1])));
            timings.put("loss", lossTable);
            String json = new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(timings);
            Files.writeString(target.resolve("pipeline-it-timings.json"), json);
            System.out.println("[PipelineIT] timings " + json);
        } finally {
            started.forEach(Service::stop);
        }
    }

    /** stories260K, block sizes 1..4, similarity, the default metric, a heal of a few updates, the loss task. */
    private static ExperimentRequested request(String experimentId) {
        HealSettings heal = new HealSettings(SharedFixtures.CALIBRATION, SharedFixtures.EVAL, HEAL_STEPS, 2, 3e-3, 4,
                4.0, 0.0, Quantization.NF4, List.of(LoraTarget.GATE_PROJ, LoraTarget.UP_PROJ, LoraTarget.DOWN_PROJ), 4,
                64, 0, CHECKPOINT_EVERY);
        return new ExperimentRequested(Event.SCHEMA_VERSION, experimentId, Instant.now(),
                new ArtifactModel(SharedFixtures.MODEL), new CalibrationSettings(SharedFixtures.CALIBRATION, 16, 64, 0),
                ProbeMetric.DEFAULT, new BlockSizes(BLOCK_SIZES), PruneStrategy.SIMILARITY, heal,
                SharedFixtures.evalTasks());
    }

    /** The update {@code variant}'s heal started from in the worker's log: 0 from scratch, else the checkpoint's. */
    private static long resumedFrom(Service worker, String variant) {
        Matcher m = RESUMED.matcher(worker.log());
        while (m.find()) {
            if (m.group(1).equals(variant)) {
                return Long.parseLong(m.group(2));
            }
        }
        throw new AssertionError(worker.name + " never started " + variant + ": " + worker.log());
    }

    private static double loss(VariantEvaluated evaluated) {
        assertTrue(evaluated != null, "missing evaluation");
        return evaluated.results().stream().filter(r -> r.metric() == ScoreMetric.LOSS).findFirst().orElseThrow()
                .value();
    }

    /**
     * Stage compute from the events' {@code seconds} (per stage, summed over units) against the end-to-end time. Each
     * service works one unit at a time, so the compute on the longest chain is at least the probe, then either the
     * prune service's units, the heals one after another (one heal worker) and the evaluation of the last healed
     * variant, or the first prune and every evaluation (one eval worker). The rest of the end-to-end time is pipeline
     * overhead: event latency, (de)serialisation, loading models and data per unit, idle waits. Event latency is
     * measured directly: when the collector here read each event less the {@code time} its stage stamped on it.
     * The four JVMs share this machine's cores, so concurrent stages slow one another; their startup is measured
     * before the request is sent and is not part of the end-to-end time. The heal worker's replacement (from the kill
     * to the resumed heal's first progress: a JVM start and the group's rebalance) is counted apart.
     */
    private static Map<String, Object> computeSplit(Collector events, String experimentId, double endToEnd,
            double handover) {
        List<SimilarityProbed> probed = events.of(SimilarityProbed.TYPE, experimentId);
        List<VariantPruned> pruned = firstPerKey(events.of(VariantPruned.TYPE, experimentId));
        List<VariantHealed> healed = firstPerKey(events.of(VariantHealed.TYPE, experimentId));
        List<VariantEvaluated> evaluated = firstPerKey(events.of(VariantEvaluated.TYPE, experimentId));
        double probe = probed.get(0).seconds();
        double prune = pruned.stream().mapToDouble(VariantPruned::seconds).sum();
        double firstPrune = pruned.stream().mapToDouble(VariantPruned::seconds).min().orElse(0);
        double heal = healed.stream().mapToDouble(VariantHealed::seconds).sum();
        double eval = evaluated.stream().mapToDouble(VariantEvaluated::seconds).sum();
        double lastHealedEval = evaluated.stream().filter(e -> e.stage() == VariantStage.HEALED)
                .max((a, b) -> a.time().compareTo(b.time())).map(VariantEvaluated::seconds).orElse(0.0);
        double critical = probe + Math.max(prune + heal + lastHealedEval, firstPrune + eval);
        List<Double> latencies = events.latenciesOfFirstRound(experimentId);
        Map<String, Object> split = new LinkedHashMap<>();
        split.put("stageComputeSeconds", Map.of("probe", probe, "prune", prune, "heal", heal, "eval", eval));
        split.put("stageComputeSumSeconds", probe + prune + heal + eval);
        split.put("criticalPathComputeSeconds", critical);
        split.put("pipelineOverheadSeconds", endToEnd - handover - critical);
        split.put("eventLatencySeconds", Map.of("events", latencies.size(),
                "mean", latencies.stream().mapToDouble(d -> d).average().orElse(0),
                "max", latencies.stream().mapToDouble(d -> d).max().orElse(0)));
        return split;
    }

    private static <E extends Event> List<E> firstPerKey(List<E> events) {
        Map<String, E> first = new LinkedHashMap<>();
        events.forEach(e -> first.putIfAbsent(e.key(), e));
        return List.copyOf(first.values());
    }

    private static double count(Map<String, Map<String, Double>> metrics, String service, String outcome) {
        return metrics.get(service).getOrDefault(outcome, 0.0);
    }

    /** Each service's /q/metrics, by service name. */
    private static Map<String, String> scrapes(List<Service> services) throws Exception {
        Map<String, String> all = new LinkedHashMap<>();
        HttpClient http = HttpClient.newHttpClient();
        for (Service service : services) {
            all.put(service.name, http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + service.port
                    + "/q/metrics")).timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString())
                    .body());
        }
        return all;
    }

    /** Each service's layerprune_stage_outcome_total by outcome, from its scrape. */
    private static Map<String, Map<String, Double>> outcomes(Map<String, String> scrapes) {
        Map<String, Map<String, Double>> all = new LinkedHashMap<>();
        for (Map.Entry<String, String> scrape : scrapes.entrySet()) {
            Map<String, Double> outcomes = new TreeMap<>();
            Matcher m = METRIC.matcher(scrape.getValue());
            while (m.find()) {
                Matcher outcome = Pattern.compile("outcome=\"([^\"]+)\"").matcher(m.group(1));
                if (outcome.find()) {
                    outcomes.merge(outcome.group(1), Double.parseDouble(m.group(2)), Double::sum);
                }
            }
            all.put(scrape.getKey(), outcomes);
        }
        return all;
    }

    private static double seconds(long nanos) {
        return Math.round(nanos / 1e6) / 1000.0;
    }

    /** Every event on the pipeline's topics, as it arrives, read back. */
    private static final class Collector implements AutoCloseable {

        private final KafkaConsumer<String, byte[]> consumer;
        private final List<Arrived> arrived = new CopyOnWriteArrayList<>();
        private volatile boolean running = true;
        private Thread thread;

        record Arrived(Event event, Instant at) {
        }

        Collector(String bootstrapServers) {
            consumer = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                    ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false), new StringDeserializer(),
                    new ByteArrayDeserializer());
        }

        void start(List<String> topics) {
            List<TopicPartition> partitions = topics.stream().flatMap(t -> consumer.partitionsFor(t).stream())
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            thread = new Thread(() -> {
                while (running) {
                    for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(100))) {
                        Instant at = Instant.now();
                        Topics.EVENT_TYPES.stream().filter(t -> t.name().equals(record.topic())).findFirst()
                                .flatMap(t -> EventClient.read(t, record)).ifPresent(e -> arrived.add(
                                        new Arrived((Event) e, at)));
                    }
                }
                consumer.close();
            }, "pipeline-it-collector");
            thread.start();
        }

        <E extends Event> List<E> of(EventType<E> type, String experimentId) {
            return arrived.stream().map(Arrived::event).filter(type.javaType()::isInstance).map(type.javaType()::cast)
                    .filter(e -> experimentIdOf(e).equals(experimentId)).toList();
        }

        /**
         * For the first event of each kind and key of the experiment (the request too): when it arrived here less the
         * time its producer stamped on it, in seconds.
         */
        List<Double> latenciesOfFirstRound(String experimentId) {
            Map<String, Arrived> first = new LinkedHashMap<>();
            for (Arrived a : arrived) {
                if (experimentIdOf(a.event).equals(experimentId) && !(a.event instanceof HealProgress)) {
                    first.putIfAbsent(a.event.type().name() + "/" + a.event.key(), a);
                }
            }
            return first.values().stream().map(a -> Duration.between(timeOf(a.event), a.at).toNanos() / 1e9)
                    .toList();
        }

        private static Instant timeOf(Event event) {
            return event instanceof ExperimentRequested r ? r.time()
                    : event instanceof SimilarityProbed p ? p.time()
                    : event instanceof VariantPruned p ? p.time()
                    : event instanceof VariantHealed h ? h.time()
                    : event instanceof VariantEvaluated v ? v.time()
                    : ((StageFailed) event).time();
        }

        /** The first event of {@code type} of the experiment that matches, once one has arrived. */
        <E extends Event> E await(EventType<E> type, String experimentId, java.util.function.Predicate<E> which,
                List<Service> services) throws InterruptedException {
            long deadline = System.nanoTime() + WITHIN.toNanos();
            while (true) {
                Optional<E> found = of(type, experimentId).stream().filter(which).findFirst();
                if (found.isPresent()) {
                    return found.get();
                }
                for (Service service : services) {
                    assertTrue(service.app.isAlive(), service.name + " exited: " + service.log());
                }
                assertTrue(System.nanoTime() < deadline, "no matching " + type.name() + " event of " + experimentId);
                Thread.sleep(50);
            }
        }

        Instant arrivalOf(Event event) {
            return arrived.stream().filter(a -> a.event == event).map(Arrived::at).findFirst().orElseThrow();
        }

        Instant lastEvaluationArrival() {
            return arrived.stream().filter(a -> a.event instanceof VariantEvaluated).map(Arrived::at)
                    .max(Instant::compareTo).orElseThrow();
        }

        /** The first evaluation of each variant, once {@code variants} variants have one. */
        Map<String, VariantEvaluated> awaitEvaluations(String experimentId, int variants, List<Service> services)
                throws InterruptedException {
            return awaitEvaluationsTwice(experimentId, variants, services, 1).entrySet().stream().collect(
                    Collectors.toMap(Map.Entry::getKey, e -> e.getValue().get(0)));
        }

        Map<String, List<VariantEvaluated>> awaitEvaluationsTwice(String experimentId, int variants,
                List<Service> services) throws InterruptedException {
            return awaitEvaluationsTwice(experimentId, variants, services, 2);
        }

        private Map<String, List<VariantEvaluated>> awaitEvaluationsTwice(String experimentId, int variants,
                List<Service> services, int times) throws InterruptedException {
            long deadline = System.nanoTime() + WITHIN.toNanos();
            while (true) {
                Map<String, List<VariantEvaluated>> byVariant = of(VariantEvaluated.TYPE, experimentId).stream()
                        .collect(Collectors.groupingBy(e -> e.variantId().toString(), TreeMap::new,
                                Collectors.toList()));
                if (byVariant.size() >= variants && byVariant.values().stream().allMatch(l -> l.size() >= times)) {
                    return byVariant;
                }
                for (Service service : services) {
                    assertTrue(service.app.isAlive(), service.name + " exited: " + service.log());
                }
                if (!of(StageFailed.TYPE, experimentId).isEmpty() || System.nanoTime() > deadline) {
                    throw new AssertionError("waiting for " + variants + " variants evaluated " + times + "x, have "
                            + byVariant.keySet().stream().map(k -> k + "x" + byVariant.get(k).size()).toList()
                            + "; stage.failed " + of(StageFailed.TYPE, experimentId));
                }
                Thread.sleep(200);
            }
        }

        private static String experimentIdOf(Event event) {
            // every event names its experiment; its key is the experiment or a variant of it
            return event instanceof ExperimentRequested r ? r.experimentId()
                    : event instanceof SimilarityProbed p ? p.experimentId()
                    : event instanceof VariantPruned p ? p.experimentId()
                    : event instanceof HealProgress h ? h.experimentId()
                    : event instanceof VariantHealed h ? h.experimentId()
                    : event instanceof VariantEvaluated v ? v.experimentId()
                    : event instanceof StageFailed f ? f.experimentId() : "";
        }

        @Override
        public void close() throws InterruptedException {
            running = false;
            if (thread != null) {
                thread.join(5000);
            } else {
                consumer.close();
            }
        }
    }

    /** One packaged service as a process, its console in target/. */
    private record Service(String name, PackagedApp app, int port, long launchedNanos) {

        /** A bound on a stop that hangs: then the service is killed. */
        private static final Duration STOP_GRACE = Duration.ofSeconds(30);

        static Service start(String name, Path services, String bootstrapServers, Path root, Path target, String run) {
            Path jar = services.resolve(name + "-service/target/quarkus-app/quarkus-run.jar");
            assertTrue(Files.isRegularFile(jar), jar + " missing: package the " + name + " service first");
            int port = PackagedApp.freePort();
            PackagedApp.Builder builder = PackagedApp.builder(name, jar)
                    .jvmOptions("-Dai.djl.offline=true", "--enable-native-access=ALL-UNNAMED", "-Xmx1g")
                    .systemProperty("quarkus.http.port", port)
                    .env("KAFKA_BOOTSTRAP_SERVERS", bootstrapServers)
                    .env("LAYERPRUNE_ARTIFACT_ROOT", root.toString())
                    .env("MALLOC_ARENA_MAX", "1")
                    .log(target.resolve("e2e-" + name + "-service-" + run + ".log"));
            if (name.equals("heal")) {
                // the heal service's own validation, small for a heal of a few updates; a killed worker's group
                // notices within seconds rather than the default 45 s (kafka.* applies to every channel)
                builder.jvmOptions("-Dlayerprune.heal.eval-limit=16", "-Dlayerprune.heal.progress-every=2",
                        "-Dkafka.session.timeout.ms=6000", "-Dkafka.heartbeat.interval.ms=1000");
            }
            long launched = System.nanoTime();
            return new Service(name, builder.start(), port, launched);
        }

        /** Waits for Quarkus' start line; the seconds since launch, measured here. */
        double awaitStarted() {
            app.awaitLog(Pattern.compile(Pattern.quote(name + "-service") + ".*started in"), Duration.ofMinutes(3));
            return seconds(System.nanoTime() - launchedNanos);
        }

        String log() {
            return app.log();
        }

        void stop() {
            app.stop(STOP_GRACE);
        }
    }
}
