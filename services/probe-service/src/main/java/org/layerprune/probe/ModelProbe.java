package org.layerprune.probe;

import ai.djl.Device;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.layerprune.contracts.events.Event;
import org.layerprune.contracts.events.ExperimentRequested;
import org.layerprune.contracts.events.SimilarityProbed;
import org.layerprune.core.checkpoint.Checkpoint;
import org.layerprune.core.checkpoint.CheckpointHash;
import org.layerprune.core.data.CalibrationSet;
import org.layerprune.core.model.LlamaConfig;
import org.layerprune.core.model.LlamaModel;
import org.layerprune.core.similarity.BlockMetric;
import org.layerprune.core.similarity.Probe;
import org.layerprune.core.similarity.ProbeJson;
import org.layerprune.core.similarity.ProbeProgress;
import org.layerprune.core.similarity.ProbeResult;
import org.layerprune.core.tokenizer.Tokenizer;
import org.layerprune.stage.ArtifactRoot;
import org.layerprune.stage.StageOutputs;

/** One request's probe, run as the CLI's {@code probe} command runs it; its output is probe.json and the event. */
final class ModelProbe {

    private final ArtifactRoot root;
    private final ModelSources models;
    private final Device device;
    private final int batchSize;

    ModelProbe(ArtifactRoot root, ModelSources models, Device device, int batchSize) {
        this.root = root;
        this.models = models;
        this.device = device;
        this.batchSize = batchSize;
    }

    StageOutputs.Output<SimilarityProbed> run(ExperimentRequested request) {
        long start = System.nanoTime();
        Path model = models.resolve(request.model());
        Path data = root.existing(request.calibration().data(), "calibration.data");
        String hash;
        List<Integer> blockSizes;
        try (Checkpoint checkpoint = Checkpoint.open(model)) {
            LlamaConfig config = LlamaConfig.read(checkpoint.configFile());
            LlamaModel.verify(checkpoint, config);
            blockSizes = request.blockSizes().resolve(config.numHiddenLayers()); // refused before any compute
            hash = CheckpointHash.of(checkpoint);
        }
        ProbeResult result;
        try (LlamaModel llama = LlamaModel.load(model, device)) {
            result = Probe.run(llama, calibration(model, data, request), batchSize,
                    BlockMetric.byName(request.metric().wireName()), hash, ProbeProgress.NONE);
        }
        List<List<Double>> distances = new ArrayList<>();
        List<Integer> lStar = new ArrayList<>();
        for (int n = 1; n < result.layers(); n++) {
            distances.add(Arrays.stream(result.row(n)).boxed().toList());
            lStar.add(result.best(n));
        }
        SimilarityProbed event = new SimilarityProbed(Event.SCHEMA_VERSION, request.experimentId(), Instant.now(),
                root.ref(model), hash, result.layers(), request.metric(), distances, lStar, result.samples(),
                result.tokens(), blockSizes, request.strategy(), (System.nanoTime() - start) / 1e9, request.heal(),
                request.evalTasks());
        return new StageOutputs.Output<>(event,
                Map.of(ProbeJson.FILE_NAME, ProbeJson.toJson(result).getBytes(StandardCharsets.UTF_8)));
    }

    private static List<int[]> calibration(Path model, Path data, ExperimentRequested request) {
        try {
            Optional<Tokenizer> tokenizer = Tokenizer.fromCheckpoint(model);
            try {
                return CalibrationSet.load(data, tokenizer, request.calibration().samples(),
                        request.calibration().maxLength(), request.calibration().seed());
            } finally {
                tokenizer.ifPresent(Tokenizer::close);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("calibration.data \"" + request.calibration().data() + "\": "
                    + e.getMessage(), e);
        }
    }
}
