package org.layerprune.core.eval;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/**
 * Reads an evaluation file whole, as text. Evaluation sets are small (all of MMLU's test split is about 8 MB), so
 * reading them at once keeps line numbering in one place.
 *
 * <ul>
 *   <li>Gzip is recognised by its magic bytes, not by the file name, as in {@code data.JsonlDataset}.
 *   <li>The bytes must be UTF-8: a malformed byte stops the read, whatever the {@link BadRowPolicy}, naming its
 *       line (a damaged file is not a malformed row).
 *   <li>A leading byte-order mark is dropped.
 * </ul>
 */
final class EvalFiles {

    private static final int GZIP_MAGIC_0 = 0x1f;
    private static final int GZIP_MAGIC_1 = 0x8b;

    private EvalFiles() {
    }

    /**
     * The text of {@code file}, gunzipped when it is gzip.
     *
     * @throws EvalDataException naming the file when it does not exist, is not a regular file or is not UTF-8
     * @throws IOException when it cannot be read
     */
    static String readText(Path file) throws IOException {
        if (!Files.exists(file)) {
            throw new EvalDataException(file, 0, "no such file");
        }
        if (!Files.isRegularFile(file)) {
            throw new EvalDataException(file, 0, "not a regular file");
        }
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new EvalDataException(file, 0, "no such file");
        }
        if (bytes.length >= 2 && (bytes[0] & 0xff) == GZIP_MAGIC_0 && (bytes[1] & 0xff) == GZIP_MAGIC_1) {
            try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(bytes))) {
                bytes = in.readAllBytes();
            } catch (IOException e) {
                throw new EvalDataException(file, 0, "starts like gzip but cannot be gunzipped: " + e.getMessage());
            }
        }
        String text = strictUtf8(file, bytes);
        return text.startsWith("\uFEFF") ? text.substring(1) : text;
    }

    /** Decodes UTF-8 that must be well formed; the error names the line of the first malformed byte. */
    private static String strictUtf8(Path file, byte[] utf8) {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(utf8);
        CharBuffer out = CharBuffer.allocate(utf8.length); // UTF-8 never decodes to more chars than bytes
        CoderResult result = decoder.decode(in, out, true);
        if (!result.isError()) {
            result = decoder.flush(out);
        }
        if (result.isError()) {
            long line = 1;
            for (int i = 0; i < in.position(); i++) {
                if (utf8[i] == '\n') {
                    line++;
                }
            }
            throw new EvalDataException(file, line, "not valid UTF-8 (byte offset " + in.position() + ")");
        }
        return out.flip().toString();
    }
}
