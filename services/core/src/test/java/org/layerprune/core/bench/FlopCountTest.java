package org.layerprune.core.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.layerprune.core.heal.LoraConfig;
import org.layerprune.core.model.LlamaConfig;

/** {@link FlopCount} against counts made by hand, matrix product by matrix product, for a tiny config. */
class FlopCountTest {

    /**
     * H 4, I 5, L 2, N 2 heads of D 4 (query width Q 8, unlike H), 1 kv head (K 4), V 7, untied lm_head. Run on
     * B 2 x S 3, so T = 6 tokens. Multiply-adds per token and layer:
     * q 4*8 = 32, k 4*4 = 16, v 16, o 8*4 = 32, gate 4*5 = 20, up 20, down 5*4 = 20: 156 in the projections;
     * Q K^T 3*8 = 24 and P V 24 (each query against all S = 3 keys): 48 in attention. lm_head 4*7 = 28, once.
     */
    private static final LlamaConfig TINY = config("""
            {"model_type": "llama", "hidden_size": 4, "intermediate_size": 5, "num_hidden_layers": 2,
             "num_attention_heads": 2, "head_dim": 4, "num_key_value_heads": 1, "vocab_size": 7,
             "tie_word_embeddings": false}""");

    /** r 2 on q_proj ([8, 4]: 2*4 + 2*8 = 24 multiply-adds per token) and down_proj ([4, 5]: 2*5 + 2*4 = 18). */
    private static final LoraConfig LORA = new LoraConfig(2, 2, 0.05, List.of("q_proj", "down_proj"));

    @Test
    void countsEveryMatrixProductOfTheForwardPassTwicePerMultiplyAdd() {
        // per token: 2 layers * (156 + 48) + 28 = 436 multiply-adds; 6 tokens; 2 FLOPs each
        assertEquals(2 * 6 * 436, FlopCount.forward(TINY, 2, 3));
    }

    @Test
    void countsOnlyInputGradientsForFrozenWeightsAndBothGradientsForTheAdapters() {
        FlopCount.Training step = FlopCount.loraStep(TINY, LORA, 2, 3);

        // forward per token: 2 layers * (156 + 48 + 24 + 18) + 28 = 520 multiply-adds
        assertEquals(2 * 6 * 520, step.forward());
        // backward per token: frozen projections' dX 156, attention's dP, dV, dQ, dK 2 * 48, the adapters' dX and
        // dA / dB 2 * (24 + 18), per layer; lm_head's dX 28 once: 2 * (156 + 96 + 84) + 28 = 700 (no dW of a
        // frozen weight: that would add another 156 per layer and 28)
        assertEquals(2 * 6 * 700, step.backward());
        assertEquals(2 * 6 * (520 + 700), step.total());
    }

    @Test
    void aStepCountsTheSameWhateverTheRowsPerMicroBatch() {
        FlopCount.Training one = FlopCount.loraStep(TINY, LORA, 1, 3);
        FlopCount.Training four = FlopCount.loraStep(TINY, LORA, 4, 3);

        assertEquals(4 * one.total(), four.total(), 1e-9);
    }

    private static LlamaConfig config(String json) {
        try {
            return LlamaConfig.parse(new ObjectMapper().readTree(json));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
