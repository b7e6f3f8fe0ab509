package org.layerprune.core.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EvalFilesTest {

    @TempDir Path dir;

    @Test
    void gunzipsByMagicBytesWhateverTheFileName() throws IOException {
        Path gzipped = EvalTestFiles.gzip(dir.resolve("named-plain.csv"), "a,b");
        Path plain = EvalTestFiles.write(dir.resolve("named.csv.gz"), "a,b");
        assertEquals("a,b\n", EvalFiles.readText(gzipped));
        assertEquals("a,b\n", EvalFiles.readText(plain));
    }

    @Test
    void dropsALeadingByteOrderMark() throws IOException {
        assertEquals("q,a\n", EvalFiles.readText(EvalTestFiles.write(dir.resolve("bom.csv"), "\uFEFFq,a")));
    }

    @Test
    void namesTheLineOfAMalformedUtf8Byte() throws IOException {
        Path file = dir.resolve("broken.jsonl");
        Files.write(file, new byte[] {'o', 'k', '\n', 'o', 'k', '\n', 'b', (byte) 0xC3, '(', '\n'});
        EvalDataException e = assertThrows(EvalDataException.class, () -> EvalFiles.readText(file));
        assertEquals(3, e.line());
        assertTrue(e.getMessage().startsWith(file + ":3: not valid UTF-8"), e.getMessage());
    }

    @Test
    void namesAMissingFile() {
        Path missing = dir.resolve("nope.jsonl");
        EvalDataException e = assertThrows(EvalDataException.class, () -> EvalFiles.readText(missing));
        assertEquals(missing + ": no such file", e.getMessage());
    }
}
