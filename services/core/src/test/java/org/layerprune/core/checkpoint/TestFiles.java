package org.layerprune.core.checkpoint;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.function.Executable;

/** Builds safetensors files byte by byte, so tests control every byte a reader sees, and checks error messages. */
final class TestFiles {

    private TestFiles() {
    }

    /** {@code headerJson} behind its u64 little-endian length, then {@code data}. */
    static Path safetensors(Path file, String headerJson, byte[] data) {
        byte[] header = headerJson.getBytes(StandardCharsets.UTF_8);
        return raw(file, header.length, concat(header, data));
    }

    /** A u64 little-endian {@code headerLength}, whatever the rest holds, then {@code rest}. */
    static Path raw(Path file, long headerLength, byte[] rest) {
        ByteBuffer bytes = ByteBuffer.allocate(8 + rest.length).order(ByteOrder.LITTLE_ENDIAN);
        bytes.putLong(headerLength).put(rest);
        try {
            return Files.write(file, bytes.array());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static byte[] concat(byte[] a, byte[] b) {
        return ByteBuffer.allocate(a.length + b.length).put(a).put(b).array();
    }

    static byte[] floats(float... values) {
        ByteBuffer bytes = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        for (float value : values) {
            bytes.putFloat(value);
        }
        return bytes.array();
    }

    static byte[] shorts(int... values) {
        ByteBuffer bytes = ByteBuffer.allocate(2 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        for (int value : values) {
            bytes.putShort((short) value);
        }
        return bytes.array();
    }

    static byte[] longs(long... values) {
        ByteBuffer bytes = ByteBuffer.allocate(8 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        for (long value : values) {
            bytes.putLong(value);
        }
        return bytes.array();
    }

    /** Bytes counting up from {@code seed}, so that any misplaced range shows. */
    static byte[] pattern(int length, int seed) {
        byte[] bytes = new byte[length];
        for (int i = 0; i < length; i++) {
            bytes[i] = (byte) (seed + i);
        }
        return bytes;
    }

    static TensorData tensor(String name, DType dtype, long[] shape, byte[] bytes) {
        return new TensorData(name, dtype, shape, ByteBuffer.wrap(bytes));
    }

    static byte[] toArray(ByteBuffer buffer) {
        byte[] bytes = new byte[buffer.remaining()];
        buffer.duplicate().get(bytes);
        return bytes;
    }

    static void writeString(Path file, String content) {
        try {
            Files.writeString(file, content);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Asserts that {@code action} throws a {@link CheckpointException} whose message starts with {@code where} (the
     * file or directory at fault) and mentions every one of {@code mentions}.
     */
    static CheckpointException assertRejected(Executable action, Path where, String... mentions) {
        CheckpointException e = assertThrows(CheckpointException.class, action);
        String message = e.getMessage();
        assertTrue(message.startsWith(where.toString() + ":"), () -> "message should start with " + where + ": "
                + message);
        for (String mention : mentions) {
            assertTrue(message.contains(mention), () -> "message should mention '" + mention + "': " + message);
        }
        return e;
    }
}
