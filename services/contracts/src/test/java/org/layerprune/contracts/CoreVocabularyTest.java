package org.layerprune.contracts;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.layerprune.contracts.events.EvalTaskName;
import org.layerprune.contracts.events.LoraTarget;
import org.layerprune.contracts.events.ProbeMetric;
import org.layerprune.contracts.events.Quantization;
import org.layerprune.core.eval.EvalTask;
import org.layerprune.core.heal.LoraConfig;
import org.layerprune.core.heal.LoraTrainer;
import org.layerprune.core.similarity.BlockMetric;

/**
 * The contract offers exactly what core can do: its metrics, evaluation tasks, LoRA targets and quantisations. A
 * metric added to core without the contract (or the reverse) fails here.
 */
class CoreVocabularyTest {

    @Test
    void metricsAreCoresBlockMetricsWithTheSameDefault() {
        assertEquals(BlockMetric.all().stream().map(BlockMetric::metricName).sorted().toList(),
                Arrays.stream(ProbeMetric.values()).map(ProbeMetric::wireName).sorted().toList());
        assertEquals(BlockMetric.DEFAULT.metricName(), ProbeMetric.DEFAULT.wireName());
    }

    @Test
    void evalTasksAreCoresEvalTasks() {
        assertEquals(Arrays.stream(EvalTask.values()).map(EvalTask::taskName).toList(),
                Arrays.stream(EvalTaskName.values()).map(EvalTaskName::wireName).toList());
    }

    @Test
    void loraTargetsAreCoresModulesInLayerOrder() {
        List<String> core = Stream.concat(LoraConfig.ATTENTION.stream(), LoraConfig.MLP.stream()).toList();
        assertEquals(core, Arrays.stream(LoraTarget.values()).map(LoraTarget::wireName).toList());
    }

    @Test
    void quantizationsAreCoresTrainerQuantizations() {
        assertEquals(Arrays.stream(LoraTrainer.Quantization.values()).map(LoraTrainer.Quantization::flag)
                        .sorted().toList(),
                Arrays.stream(Quantization.values()).map(Quantization::wireName).sorted().toList());
    }
}
