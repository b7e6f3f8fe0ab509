package org.layerprune.core.heal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

class LoraConfigTest {

    @Test
    void defaultsToThePapersHealingRank64AlphaEqualToRankDropout005OnTheMlp() {
        LoraConfig config = LoraConfig.paperDefaults();
        assertEquals(64, config.rank());
        assertEquals(64.0, config.alpha());
        assertEquals(0.05, config.dropout());
        assertEquals(List.of("gate_proj", "up_proj", "down_proj"), config.targetModules());
        assertEquals(1.0, config.scale());
    }

    @Test
    void keepsAlphaEqualToTheRankAtOtherRanks() {
        LoraConfig config = LoraConfig.ofRank(8);
        assertEquals(8.0, config.alpha());
        assertEquals(1.0, config.scale());
        assertEquals(LoraConfig.MLP, config.targetModules());
    }

    @Test
    void scalesByAlphaOverRank() {
        assertEquals(0.25, new LoraConfig(64, 16, 0, List.of("q_proj")).scale());
        assertEquals(2.0, new LoraConfig(8, 16, 0.1, List.of("q_proj", "v_proj")).scale());
    }

    @Test
    void refusesARankBelowOneADropoutOutsideZeroToOneAndANonPositiveAlpha() {
        assertMessage(() -> new LoraConfig(0, 1, 0, LoraConfig.MLP), "r must be at least 1");
        assertMessage(() -> new LoraConfig(8, 8, 1.0, LoraConfig.MLP), "lora_dropout");
        assertMessage(() -> new LoraConfig(8, 8, -0.1, LoraConfig.MLP), "lora_dropout");
        assertMessage(() -> new LoraConfig(8, 8, Double.NaN, LoraConfig.MLP), "lora_dropout");
        assertMessage(() -> new LoraConfig(8, 0, 0, LoraConfig.MLP), "lora_alpha");
        assertMessage(() -> new LoraConfig(8, Double.POSITIVE_INFINITY, 0, LoraConfig.MLP), "lora_alpha");
    }

    @Test
    void refusesUnknownDuplicateOrNoTargetModules() {
        assertMessage(() -> new LoraConfig(8, 8, 0, List.of("gate_proj", "lm_head")), "unknown target module lm_head");
        assertMessage(() -> new LoraConfig(8, 8, 0, List.of("mlp.gate_proj")), "unknown target module mlp.gate_proj");
        assertMessage(() -> new LoraConfig(8, 8, 0, List.of("up_proj", "up_proj")), "up_proj twice");
        assertMessage(() -> new LoraConfig(8, 8, 0, List.of()), "target_modules is empty");
    }

    @Test
    void placesAttentionProjectionsUnderSelfAttnAndMlpProjectionsUnderMlp() {
        for (String module : LoraConfig.ATTENTION) {
            assertEquals("self_attn." + module, LoraConfig.modulePath(module));
        }
        for (String module : LoraConfig.MLP) {
            assertEquals("mlp." + module, LoraConfig.modulePath(module));
        }
        assertTrue(LoraConfig.isKnownModule("o_proj"));
        assertFalse(LoraConfig.isKnownModule("embed_tokens"));
    }

    private static void assertMessage(Executable executable, String part) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, executable);
        assertTrue(e.getMessage().contains(part), e.getMessage());
    }
}
