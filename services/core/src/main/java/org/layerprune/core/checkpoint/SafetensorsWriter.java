package org.layerprune.core.checkpoint;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes safetensors files that the reference implementation, and {@link SafetensorsFile}, read back unchanged.
 *
 * <p>The header is checked by the same rules {@link SafetensorsFile#open} applies before a byte is written, tensors
 * are laid out contiguously in the order given, and their bytes are streamed from the callers' buffers through a
 * {@link FileChannel}, so a file is never held in memory whole. Bytes go to a hidden temporary file next to the
 * target, which is then moved onto the target in one atomic step: readers see the old file or the complete new
 * one, never a partial one, and an existing file is replaced. The file is not forced to disk before the move, so
 * the guarantee covers concurrent readers and a crashed writer, not a power failure.
 */
public final class SafetensorsWriter {

    /** Whose tensor layout the file holds; transformers refuses to load a safetensors file without it. */
    private static final Map<String, String> FORMAT = Map.of("format", "pt");

    private SafetensorsWriter() {
    }

    /**
     * Writes {@code tensors} to {@code file}, with {@code __metadata__} holding {@code "format": "pt"} followed by
     * {@code metadata}.
     *
     * @param tensors written contiguously in this order; each one's {@link TensorData#byteLength()} must equal its
     *     shape times its dtype size, and names must be unique
     * @param metadata extra {@code __metadata__} entries; a {@code "format"} other than {@code "pt"} is refused
     * @throws CheckpointException naming the file, and the tensor at fault if there is one; nothing is left behind
     */
    public static void write(Path file, List<TensorData> tensors, Map<String, String> metadata) {
        write(file, header(file, tensors, metadata), tensors);
    }

    /**
     * The validated header {@code tensors} get when written to {@code file}; lets a caller check every file of a
     * checkpoint, under its final name, before writing any.
     */
    static SafetensorsHeader header(Path file, List<TensorData> tensors, Map<String, String> metadata) {
        String format = metadata.getOrDefault("format", "pt");
        if (!format.equals("pt")) {
            throw new CheckpointException(file + ": __metadata__ format must be pt, not " + format);
        }
        Map<String, String> withFormat = new LinkedHashMap<>(FORMAT);
        withFormat.putAll(metadata);
        List<TensorInfo> layout = new ArrayList<>();
        long offset = 0;
        for (TensorData tensor : tensors) {
            long end = Math.addExact(offset, tensor.byteLength());
            layout.add(SafetensorsHeader.tensor(file, tensor.name(), tensor.dtype(), tensor.shape(), offset, end));
            offset = end;
        }
        return SafetensorsHeader.validated(file, layout, withFormat, offset);
    }

    /** Writes {@code tensors} under a header made for them by {@link #header}. */
    static void write(Path file, SafetensorsHeader header, List<TensorData> tensors) {
        byte[] json = header.encode(file);
        Path temp = null;
        try {
            temp = Files.createFile(TempSibling.of(file));
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
                writeFully(channel, ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(0, json.length));
                writeFully(channel, ByteBuffer.wrap(json));
                for (TensorData tensor : tensors) {
                    writeFully(channel, tensor.data());
                }
            }
            Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw removing(temp, new CheckpointException(file + ": cannot write: " + e, e));
        } catch (RuntimeException e) {
            throw removing(temp, e);
        } catch (Error e) {
            throw removing(temp, e);
        }
    }

    /**
     * Deletes the temporary file, if it was created, on the way out of a failed write; a failure to delete is
     * attached to {@code failure}, which is returned for the caller to throw.
     */
    private static <T extends Throwable> T removing(Path temp, T failure) {
        if (temp != null) {
            try {
                Files.deleteIfExists(temp);
            } catch (IOException e) {
                failure.addSuppressed(e);
            }
        }
        return failure;
    }

    private static void writeFully(FileChannel channel, ByteBuffer bytes) throws IOException {
        while (bytes.hasRemaining()) {
            channel.write(bytes);
        }
    }
}
