package org.layerprune.core.heal;

import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The LoRA settings of a healing run, each named after its field in PEFT's {@code LoraConfig}. An adapted projection
 * with weight W [out, in] gets two factors, A [r, in] and B [out, r], and computes {@code x W^T + scale * x A^T B^T}
 * with {@code scale = alpha / r} (plain LoRA; PEFT's rsLoRA and DoRA are not used).
 *
 * <p>The paper heals with rank 64, alpha equal to the rank, dropout 0.05, on the MLP only: {@link #paperDefaults()}.
 *
 * @param rank {@code r}: the adapters' inner dimension, at least 1
 * @param alpha {@code lora_alpha}: the update is scaled by alpha / r; positive and finite
 * @param dropout {@code lora_dropout}: dropout on the adapter's input while training, in [0, 1)
 * @param targetModules {@code target_modules}: the projections adapted in every decoder layer, by their Hugging Face
 *     names ({@code q_proj k_proj v_proj o_proj gate_proj up_proj down_proj}); none twice, at least one
 */
public record LoraConfig(int rank, double alpha, double dropout, List<String> targetModules) {

    /** The paper's default rank (appendix: 64, with 2, 4 or 8 for some models after sweeps). */
    public static final int PAPER_RANK = 64;

    /** The paper's {@code lora_dropout}. */
    public static final double PAPER_DROPOUT = 0.05;

    /** The MLP projections, which the paper adapts. */
    public static final List<String> MLP = List.of("gate_proj", "up_proj", "down_proj");

    /** The attention projections. */
    public static final List<String> ATTENTION = List.of("q_proj", "k_proj", "v_proj", "o_proj");

    /** Each known module's path inside {@code model.layers.N}, in the order a decoder layer holds them. */
    private static final Map<String, String> PATHS = paths();

    private static final List<String> ORDER = List.copyOf(PATHS.keySet());

    public LoraConfig {
        if (rank < 1) {
            throw new IllegalArgumentException("r must be at least 1, not " + rank);
        }
        if (!(alpha > 0) || Double.isInfinite(alpha)) {
            throw new IllegalArgumentException("lora_alpha must be positive and finite, not " + alpha);
        }
        if (!(dropout >= 0 && dropout < 1)) {
            throw new IllegalArgumentException("lora_dropout must be in [0, 1), not " + dropout);
        }
        targetModules = List.copyOf(Objects.requireNonNull(targetModules, "targetModules"));
        if (targetModules.isEmpty()) {
            throw new IllegalArgumentException("target_modules is empty: nothing would be adapted");
        }
        Set<String> seen = new HashSet<>();
        for (String module : targetModules) {
            requireKnown(module);
            if (!seen.add(module)) {
                throw new IllegalArgumentException("target_modules names " + module + " twice");
            }
        }
    }

    /** The paper's healing: rank 64, alpha 64, dropout 0.05, gate_proj, up_proj and down_proj. */
    public static LoraConfig paperDefaults() {
        return ofRank(PAPER_RANK);
    }

    /** The paper's healing at another rank: alpha equal to the rank, so scale 1; dropout 0.05; the MLP. */
    public static LoraConfig ofRank(int rank) {
        return new LoraConfig(rank, rank, PAPER_DROPOUT, MLP);
    }

    /** {@code alpha / r}, the factor on {@code B @ A}. */
    public double scale() {
        return alpha / rank;
    }

    /** Whether {@code module} is a projection name this package can adapt. */
    public static boolean isKnownModule(String module) {
        return PATHS.containsKey(module);
    }

    /**
     * The module's path inside a decoder layer, as in its weight's key: {@code mlp.gate_proj},
     * {@code self_attn.q_proj}.
     *
     * @throws IllegalArgumentException naming the module when it is not a known projection
     */
    public static String modulePath(String module) {
        requireKnown(module);
        return PATHS.get(module);
    }

    /** Where {@code module} comes in a decoder layer: 0 for q_proj to 6 for down_proj. */
    static int moduleOrder(String module) {
        requireKnown(module);
        return ORDER.indexOf(module);
    }

    private static void requireKnown(String module) {
        if (!PATHS.containsKey(module)) {
            throw new IllegalArgumentException("unknown target module " + module + "; known: "
                    + String.join(" ", ORDER));
        }
    }

    private static Map<String, String> paths() {
        Map<String, String> paths = new LinkedHashMap<>();
        ATTENTION.forEach(module -> paths.put(module, "self_attn." + module));
        MLP.forEach(module -> paths.put(module, "mlp." + module));
        return Collections.unmodifiableMap(paths);
    }
}
