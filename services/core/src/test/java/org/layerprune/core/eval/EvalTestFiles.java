package org.layerprune.core.eval;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;

/** Writes evaluation files for tests: lines joined by LF, each ending with one. */
final class EvalTestFiles {

    private EvalTestFiles() {
    }

    static Path write(Path file, String... lines) throws IOException {
        Files.createDirectories(file.getParent());
        return Files.writeString(file, text(lines), StandardCharsets.UTF_8);
    }

    static Path gzip(Path file, String... lines) throws IOException {
        Files.createDirectories(file.getParent());
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(file))) {
            out.write(text(lines).getBytes(StandardCharsets.UTF_8));
        }
        return file;
    }

    private static String text(String... lines) {
        return lines.length == 0 ? "" : String.join("\n", lines) + "\n";
    }
}
