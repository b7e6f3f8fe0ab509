package org.layerprune.core.model;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.layerprune.core.checkpoint.CheckpointWriter;
import org.layerprune.core.checkpoint.DType;
import org.layerprune.core.checkpoint.FloatCodec;
import org.layerprune.core.checkpoint.TensorData;

/**
 * Writes a randomly initialised checkpoint of any supported shape, for tests and benchmarks. Matrices and
 * biases are drawn from N(0, std), norm weights from 1 + N(0, std): unlike transformers' init (zero biases,
 * unit norms) every weight is distinct, so a test that compares logits also exercises biases and norm
 * weights. The same config and seed always give the same bytes.
 */
public final class RandomCheckpoint {

    private static final ObjectMapper JSON = new ObjectMapper();

    private RandomCheckpoint() {
    }

    /**
     * @param config        a config.json object; its dtype key is set to match {@code dtype}
     * @param dtype         F32 or BF16
     * @param std           standard deviation (transformers' initializer_range, 0.02 by default)
     * @param maxShardBytes shard above this many bytes of tensors
     */
    public static void write(ObjectNode config, DType dtype, long seed, double std, long maxShardBytes, Path out) {
        LlamaConfig parsed = LlamaConfig.parse(config);
        ObjectNode written = config.deepCopy();
        written.put("torch_dtype", torchName(dtype));
        SplittableRandom random = new SplittableRandom(seed);
        List<TensorData> tensors = new ArrayList<>();
        new ModelLayout(parsed).forEachTensor((name, shape) -> {
            boolean isNorm = name.endsWith("layernorm.weight") || name.equals(TensorKeys.NORM);
            tensors.add(new TensorData(name, dtype, shape, fill(numel(shape), dtype, random, isNorm ? 1.0 : 0.0, std)));
        });
        try {
            CheckpointWriter.to(out).maxShardBytes(maxShardBytes)
                    .write(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(written), tensors, List.of());
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise config.json", e);
        }
    }

    private static String torchName(DType dtype) {
        return switch (dtype) {
            case F32 -> "float32";
            case BF16 -> "bfloat16";
            default -> throw new IllegalArgumentException("random checkpoints are F32 or BF16, not " + dtype);
        };
    }

    private static long numel(long[] shape) {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        return n;
    }

    private static ByteBuffer fill(long count, DType dtype, SplittableRandom random, double mean, double std) {
        ByteBuffer buffer = ByteBuffer.allocateDirect(Math.toIntExact(count * dtype.byteSize()))
                .order(ByteOrder.LITTLE_ENDIAN);
        for (long i = 0; i < count; i++) {
            float value = (float) (mean + std * gaussian(random));
            switch (dtype) {
                case F32 -> buffer.putFloat(value);
                case BF16 -> buffer.putShort(FloatCodec.floatToBf16(value));
                default -> throw new IllegalArgumentException("unsupported dtype " + dtype);
            }
        }
        return buffer.flip();
    }

    // Box-Muller on the generator's doubles: SplittableRandom has no nextGaussian on Java 17.
    private static double gaussian(SplittableRandom random) {
        double u1 = 1.0 - random.nextDouble(); // (0, 1]: log stays finite
        double u2 = random.nextDouble();
        return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
    }
}
