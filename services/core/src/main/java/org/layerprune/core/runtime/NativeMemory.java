package org.layerprune.core.runtime;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Platform;
import java.util.Map;

/**
 * Makes glibc's malloc keep freed memory for reuse instead of handing it back to the kernel.
 *
 * <p>libtorch allocates every CPU tensor with malloc and has no caching allocator on the CPU. A forward pass
 * allocates and frees many tensors of megabytes (attention scores, MLP activations); by default glibc
 * serves each from a fresh mmap and unmaps it on free, so every pass page-faults and zeroes the same
 * memory again. Measured on the 2-core CI machine, that made softmax, norms and other elementwise ops 10
 * to 20 times slower and spent as much time in the kernel as in user code. With mmap off and trimming
 * raised, freed blocks stay in the heap and are reused. The cost: the process's RSS does not shrink after
 * a peak, which is what a long-running worker wants anyway.
 *
 * <p>One thing cannot be set from inside a running JVM: glibc gives every thread but the process's first
 * its own arena, whose heaps hold at most 64 MiB, so larger tensors (the [B, S, V] logits) are still mapped
 * and unmapped on every pass. Only {@link #ENVIRONMENT} at process start puts every thread on the main
 * arena; the CLI restarts itself with it, and deployments set it in the container's environment.
 */
public final class NativeMemory {

    /** The environment a process should start with for libtorch to run at full speed on the CPU. */
    public static final Map<String, String> ENVIRONMENT = Map.of("MALLOC_ARENA_MAX", "1");

    // mallopt parameters from glibc's malloc.h
    private static final int M_TRIM_THRESHOLD = -1;
    private static final int M_TOP_PAD = -2;
    private static final int M_MMAP_MAX = -4;

    private static final int TOP_PAD_BYTES = 1 << 30;

    private NativeMemory() {
    }

    /** glibc's mallopt(3). */
    private interface LibC extends Library {
        int mallopt(int param, int value);
    }

    /**
     * Whether this process's environment already decides what {@link #ENVIRONMENT} sets (whatever the
     * values: a user's own choice is kept), or runs where it does not apply.
     */
    public static boolean startedWithEnvironment() {
        return !Platform.isLinux() || ENVIRONMENT.keySet().stream().allMatch(key -> System.getenv(key) != null);
    }

    /**
     * Applies the settings; call once, before the first tensor is made.
     *
     * @return false where they do not apply (not Linux, or a C library without mallopt, such as musl)
     */
    public static boolean retainFreedMemory() {
        if (!Platform.isLinux()) {
            return false;
        }
        try {
            LibC libc = Native.load("c", LibC.class);
            // mallopt returns 1 on success, 0 on error.
            return libc.mallopt(M_MMAP_MAX, 0) == 1
                    && libc.mallopt(M_TRIM_THRESHOLD, Integer.MAX_VALUE) == 1
                    && libc.mallopt(M_TOP_PAD, TOP_PAD_BYTES) == 1;
        } catch (UnsatisfiedLinkError e) {
            return false;
        }
    }
}
