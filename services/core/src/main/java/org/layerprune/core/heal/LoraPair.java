package org.layerprune.core.heal;

import java.util.Arrays;
import java.util.Objects;
import org.layerprune.core.model.TensorKeys;

/**
 * The LoRA factors of one adapted projection, {@code model.layers.<layer>.<mlp|self_attn>.<module>}, whose weight
 * W [out, in] they update by {@code scale * B @ A}. Stored as PEFT stores them: {@code lora_A.weight} is A
 * [r, in], {@code lora_B.weight} is B [out, r], both row-major float32.
 *
 * @param layer the decoder layer, from 0
 * @param module the projection, e.g. {@code gate_proj} (see {@link LoraConfig#modulePath})
 * @param a A [r, in], r * in values; copied in and out
 * @param b B [out, r], out * r values; copied in and out
 * @param in the projection's input width
 * @param out the projection's output width
 */
public record LoraPair(int layer, String module, float[] a, float[] b, int in, int out) {

    /** @throws IllegalArgumentException naming the pair and the rule its sizes break */
    public LoraPair {
        Objects.requireNonNull(module, "module");
        LoraConfig.modulePath(module);
        if (layer < 0) {
            throw new IllegalArgumentException("layer " + layer + " of " + module + " is negative");
        }
        if (in < 1 || out < 1) {
            throw new IllegalArgumentException("layer " + layer + " " + module + ": in " + in + " and out " + out
                    + " must be positive");
        }
        if (a.length == 0 || a.length % in != 0) {
            throw new IllegalArgumentException("layer " + layer + " " + module + ": A has " + a.length
                    + " values, not r * in for some r >= 1 and in = " + in);
        }
        int rank = a.length / in;
        if (b.length != (long) out * rank) {
            throw new IllegalArgumentException("layer " + layer + " " + module + ": B has " + b.length
                    + " values, expected out * r = " + out + " * " + rank);
        }
        a = a.clone();
        b = b.clone();
    }

    /** r, the inner dimension. */
    public int rank() {
        return a.length / in;
    }

    /** A [r, in], row-major: a copy. */
    @Override
    public float[] a() {
        return a.clone();
    }

    /** B [out, r], row-major: a copy. */
    @Override
    public float[] b() {
        return b.clone();
    }

    /** The Hugging Face key of the weight this pair adapts, e.g. {@code model.layers.3.mlp.gate_proj.weight}. */
    public String weightKey() {
        return TensorKeys.layer(layer, LoraConfig.modulePath(module) + ".weight");
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LoraPair other
                && layer == other.layer
                && module.equals(other.module)
                && in == other.in
                && out == other.out
                && Arrays.equals(a, other.a)
                && Arrays.equals(b, other.b);
    }

    @Override
    public int hashCode() {
        return Objects.hash(layer, module, in, out, Arrays.hashCode(a), Arrays.hashCode(b));
    }

    /** Names the pair and its shapes, never its values. */
    @Override
    public String toString() {
        return "LoraPair[layer=" + layer + ", module=" + module + ", A=[" + rank() + ", " + in + "], B=[" + out
                + ", " + rank() + "]]";
    }
}
