package org.layerprune.core.checkpoint;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One safetensors file, opened for reading: its header is validated in full by {@link #open} before anything in it
 * is trusted, and each tensor's bytes are then memory-mapped on request, never copied onto the heap.
 *
 * <p>The file's channel stays open for the life of this object. Buffers returned by {@link #bytes} stay valid after
 * {@link #close()} (a mapping outlives its channel) until they are garbage-collected. An open file is immutable and
 * may be shared between threads.
 */
public final class SafetensorsFile implements AutoCloseable {

    private static final int LENGTH_PREFIX_BYTES = 8;

    private final Path path;
    private final FileChannel channel;
    private final SafetensorsHeader header;
    private final long dataStart;
    private final Map<String, TensorInfo> byName = new LinkedHashMap<>();

    private SafetensorsFile(Path path, FileChannel channel, SafetensorsHeader header, long dataStart) {
        this.path = path;
        this.channel = channel;
        this.header = header;
        this.dataStart = dataStart;
        header.tensors().forEach(tensor -> byName.put(tensor.name(), tensor));
    }

    /**
     * Opens and validates {@code file}: its size, the header length (against the 100,000,000-byte limit and the file
     * size, before allocating anything), the header JSON and every tensor entry, and that the tensors' byte ranges
     * tile the data section exactly.
     *
     * @throws CheckpointException naming the file, and the tensor at fault if there is one
     */
    public static SafetensorsFile open(Path file) {
        FileChannel channel;
        try {
            channel = FileChannel.open(file, StandardOpenOption.READ);
        } catch (IOException e) {
            throw new CheckpointException(file + ": cannot open: " + e, e);
        }
        try {
            long size = channel.size();
            if (size < LENGTH_PREFIX_BYTES) {
                throw new CheckpointException(file + ": " + size + " bytes, too short for the 8-byte header length");
            }
            long headerBytes = read(channel, 0, LENGTH_PREFIX_BYTES).order(ByteOrder.LITTLE_ENDIAN).getLong();
            if (headerBytes < 0 || headerBytes > SafetensorsHeader.MAX_HEADER_BYTES) {
                throw new CheckpointException(file + ": header length " + Long.toUnsignedString(headerBytes)
                        + " exceeds the limit of " + SafetensorsHeader.MAX_HEADER_BYTES + " bytes");
            }
            if (headerBytes > size - LENGTH_PREFIX_BYTES) {
                throw new CheckpointException(file + ": header length " + headerBytes + " is longer than the "
                        + (size - LENGTH_PREFIX_BYTES) + " bytes that follow it");
            }
            byte[] json = read(channel, LENGTH_PREFIX_BYTES, (int) headerBytes).array();
            long dataStart = LENGTH_PREFIX_BYTES + headerBytes;
            SafetensorsHeader header = SafetensorsHeader.parse(file, json, size - dataStart);
            return new SafetensorsFile(file, channel, header, dataStart);
        } catch (IOException | RuntimeException e) {
            try {
                channel.close();
            } catch (IOException closing) {
                e.addSuppressed(closing);
            }
            throw e instanceof CheckpointException c ? c : new CheckpointException(file + ": cannot read: " + e, e);
        }
    }

    /** The file, as given to {@link #open}. */
    public Path path() {
        return path;
    }

    /** Every tensor, in header order. */
    public List<TensorInfo> tensors() {
        return header.tensors();
    }

    /** The tensor called {@code name}, if the file holds one. */
    public Optional<TensorInfo> info(String name) {
        return Optional.ofNullable(byName.get(name));
    }

    /** The {@code __metadata__} entries, in file order; empty when the header has none. */
    public Map<String, String> metadata() {
        return header.metadata();
    }

    /**
     * The bytes of tensor {@code name}: a read-only, little-endian buffer mapped over exactly its range, positioned
     * at 0 with {@code remaining()} equal to {@link TensorInfo#byteLength()}.
     *
     * @throws CheckpointException naming the file and tensor when there is no such tensor, when it is longer than
     *     one buffer can address (2 GiB - 1 bytes), or when mapping fails (for example after {@link #close()})
     */
    public ByteBuffer bytes(String name) {
        TensorInfo tensor = info(name).orElseThrow(() -> new CheckpointException(path + ": no tensor " + name));
        long length = tensor.byteLength();
        if (length > Integer.MAX_VALUE) {
            throw new CheckpointException(path + ": tensor " + name + " is " + length
                    + " bytes; one buffer can map at most " + Integer.MAX_VALUE + " (2 GiB - 1)");
        }
        try {
            return channel.map(FileChannel.MapMode.READ_ONLY, dataStart + tensor.begin(), length)
                    .asReadOnlyBuffer()
                    .order(ByteOrder.LITTLE_ENDIAN);
        } catch (IOException e) {
            throw new CheckpointException(path + ": tensor " + name + ": cannot map: " + e, e);
        }
    }

    /** Closes the file's channel. */
    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException e) {
            throw new CheckpointException(path + ": cannot close: " + e, e);
        }
    }

    /** Exactly {@code length} bytes from {@code position}, in a heap buffer positioned at 0. */
    private static ByteBuffer read(FileChannel channel, long position, int length) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(length);
        while (buffer.hasRemaining()) {
            if (channel.read(buffer, position + buffer.position()) < 0) {
                throw new IOException("file ended while reading bytes " + position + " to " + (position + length));
            }
        }
        return buffer.flip();
    }
}
