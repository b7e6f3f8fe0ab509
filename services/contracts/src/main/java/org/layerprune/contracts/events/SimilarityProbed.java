package org.layerprune.contracts.events;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.layerprune.contracts.artifact.ArtifactRef;

/**
 * The probe's whole result, and what pruning, healing and evaluation need from the request, so that no later stage
 * has to look the request up (event-carried state).
 *
 * @param schemaVersion {@link Event#SCHEMA_VERSION}
 * @param experimentId the key
 * @param time when the probe finished
 * @param model the probed checkpoint directory (a Hugging Face model as downloaded)
 * @param modelHash its CheckpointHash
 * @param layers L
 * @param metric the score in {@code distances}
 * @param distances d[n][l]: element n-1 is block size n = 1..L-1, holding the L-n+1 starts l = 0..L-n
 * @param lStar element n-1 is l*(n), a start with the smallest score in row n
 * @param samples calibration sequences run
 * @param tokens calibration tokens run
 * @param blockSizes the block sizes to prune, resolved against L: ascending, each in 1..L-1
 * @param strategy how each block is chosen
 * @param seconds the probe's compute time
 * @param heal carried from the request
 * @param evalTasks carried from the request
 */
public record SimilarityProbed(int schemaVersion, String experimentId, Instant time, ArtifactRef model,
        String modelHash, int layers, ProbeMetric metric, List<List<Double>> distances, List<Integer> lStar,
        int samples, long tokens, List<Integer> blockSizes, PruneStrategy strategy, double seconds,
        HealSettings heal, List<EvalTaskSettings> evalTasks) implements Event {

    /** Topic similarity.probed, keyed by experiment. */
    public static final EventType<SimilarityProbed> TYPE =
            new EventType<>("similarity.probed", SimilarityProbed.class, "experimentId");

    public SimilarityProbed {
        Fields.schemaVersion(schemaVersion);
        ExperimentIds.require(experimentId, "experimentId");
        Fields.required(time, "time");
        Fields.required(model, "model");
        Fields.sha256(modelHash, "modelHash");
        if (layers < 2) {
            throw new InvalidEventException("layers", layers + " layers have no block to remove; at least 2");
        }
        Fields.required(metric, "metric");
        distances = matrix(distances, layers);
        lStar = Fields.requiredList(lStar, "lStar");
        checkLStar(lStar, distances);
        blockSizes = Fields.requiredList(blockSizes, "blockSizes");
        checkBlockSizes(blockSizes, layers);
        Fields.required(strategy, "strategy");
        Fields.required(heal, "heal");
        evalTasks = Fields.evalTasks(evalTasks);
    }

    @Override
    public String key() {
        return experimentId;
    }

    @Override
    public EventType<SimilarityProbed> type() {
        return TYPE;
    }

    /** An immutable copy of d, checked to have rows n = 1..L-1 of L-n+1 finite, non-negative scores. */
    private static List<List<Double>> matrix(List<List<Double>> distances, int layers) {
        List<List<Double>> rows = Fields.requiredList(distances, "distances");
        if (rows.size() != layers - 1) {
            throw new InvalidEventException("distances", "has " + rows.size() + " rows; L = " + layers
                    + " needs one per block size 1.." + (layers - 1));
        }
        List<List<Double>> copy = new ArrayList<>();
        for (int n = 1; n < layers; n++) {
            String field = "distances[" + (n - 1) + "]";
            List<Double> row = Fields.requiredList(rows.get(n - 1), field);
            if (row.size() != layers - n + 1) {
                throw new InvalidEventException(field, "has " + row.size() + " scores; block size " + n + " has "
                        + (layers - n + 1) + " starts, l = 0.." + (layers - n));
            }
            for (int l = 0; l < row.size(); l++) {
                if (!Double.isFinite(row.get(l)) || row.get(l) < 0) {
                    throw new InvalidEventException(field + "[" + l + "]", "is " + row.get(l)
                            + "; a score is finite and not negative");
                }
            }
            copy.add(row);
        }
        return Collections.unmodifiableList(copy);
    }

    /** Fails unless lStar[n-1] is a start of row n with the smallest score. */
    private static void checkLStar(List<Integer> lStar, List<List<Double>> distances) {
        if (lStar.size() != distances.size()) {
            throw new InvalidEventException("lStar", "has " + lStar.size() + " entries; one per block size, "
                    + distances.size());
        }
        for (int i = 0; i < lStar.size(); i++) {
            List<Double> row = distances.get(i);
            int start = lStar.get(i);
            if (start < 0 || start >= row.size()) {
                throw new InvalidEventException("lStar[" + i + "]", start + " is not a start of block size "
                        + (i + 1) + ": 0.." + (row.size() - 1));
            }
            if (row.get(start) > Collections.min(row)) {
                throw new InvalidEventException("lStar[" + i + "]", "l = " + start + " scores " + row.get(start)
                        + " but distances[" + i + "] has a smaller score, " + Collections.min(row));
            }
        }
    }

    private static void checkBlockSizes(List<Integer> blockSizes, int layers) {
        if (blockSizes.isEmpty()) {
            throw new InvalidEventException("blockSizes", "is empty: nothing to prune");
        }
        for (int i = 0; i < blockSizes.size(); i++) {
            int n = blockSizes.get(i);
            if (n < 1 || n >= layers || (i > 0 && n <= blockSizes.get(i - 1))) {
                throw new InvalidEventException("blockSizes[" + i + "]", n + " is not the next block size of an"
                        + " ascending list in 1.." + (layers - 1));
            }
        }
    }
}
