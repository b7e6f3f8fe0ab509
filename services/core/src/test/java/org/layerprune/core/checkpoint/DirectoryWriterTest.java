package org.layerprune.core.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.layerprune.core.checkpoint.TestFiles.assertRejected;
import static org.layerprune.core.checkpoint.TestFiles.pattern;
import static org.layerprune.core.checkpoint.TestFiles.tensor;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DirectoryWriterTest {

    @TempDir
    Path root;

    private DirectoryWriter adapter(Path dir) {
        return DirectoryWriter.to(dir, "adapter", "adapter_config.json");
    }

    @Test
    void writesEveryFileAndAManifestWithProvenanceIntoANewDirectory() throws IOException {
        Path out = root.resolve("runs").resolve("adapter");
        Path readme = Files.writeString(root.resolve("README.md"), "# adapter\n");
        ObjectNode provenance = new ObjectMapper().createObjectNode().put("tool", "test");
        adapter(out)
                .withBytes("adapter_config.json", "{}".getBytes())
                .withSafetensors("adapter_model.safetensors",
                        List.of(tensor("w", DType.F32, new long[] {2}, pattern(8, 0))), Map.of("step", "10"))
                .withCopyOf(readme)
                .withProvenance(provenance)
                .write();

        assertEquals(List.of("README.md", "adapter_config.json", "adapter_model.safetensors", "manifest.json"),
                listing(out));
        assertEquals(List.of("adapter"), listing(out.getParent()));
        Manifest manifest = Manifest.read(out.resolve(Manifest.FILE_NAME));
        manifest.verify(out);
        assertEquals(provenance, manifest.provenance().orElseThrow());
        try (SafetensorsFile file = SafetensorsFile.open(out.resolve("adapter_model.safetensors"))) {
            assertEquals(Map.of("format", "pt", "step", "10"), file.metadata());
            assertArrayEquals(pattern(8, 0), TestFiles.toArray(file.bytes("w")));
        }
    }

    @Test
    void refusesBadNamesDuplicatesAndMissingSourcesBeforeWritingAnything() {
        Path out = root.resolve("adapter");
        assertRejected(() -> adapter(out).withBytes("../escape", new byte[0]), out.resolve("../escape"),
                "not a file name an adapter can hold");
        assertRejected(() -> adapter(out).withBytes("manifest.json", new byte[0]), out.resolve("manifest.json"));
        assertRejected(() -> adapter(out).withBytes("a", new byte[0]).withBytes("a", new byte[1]), out.resolve("a"),
                "given twice");
        assertRejected(() -> adapter(out).withCopyOf(root.resolve("missing.json")), root.resolve("missing.json"),
                "missing");
        assertRejected(() -> adapter(out).withSafetensors("w.safetensors",
                List.of(tensor("w", DType.F32, new long[] {3}, pattern(8, 0))), Map.of()),
                out.resolve("w.safetensors"), "tensor w");
        assertEquals(List.of(), listing(root));
    }

    @Test
    void replacesOnlyADirectoryOfItsKindAndOnlyWhenAsked() throws IOException {
        Path out = root.resolve("adapter");
        adapter(out).withBytes("adapter_config.json", "{\"r\": 8}".getBytes()).write();
        assertRejected(() -> adapter(out).withBytes("adapter_config.json", new byte[0]).write(), out,
                "already exists");
        adapter(out).replaceExisting(true).withBytes("adapter_config.json", "{\"r\": 4}".getBytes()).write();
        assertEquals("{\"r\": 4}", Files.readString(out.resolve("adapter_config.json")));
        assertEquals(List.of("adapter"), listing(root));

        Path home = Files.createDirectory(root.resolve("home"));
        Files.writeString(home.resolve("config.json"), "{}");
        assertRejected(() -> adapter(home).replaceExisting(true).withBytes("adapter_config.json", new byte[0])
                .write(), home, "neither adapter_config.json nor manifest.json", "does not look like an adapter");
        assertEquals(List.of("config.json"), listing(home));
    }

    @Test
    void leavesNothingBehindWhenAFileCannotBeWritten() throws IOException {
        Path source = Files.writeString(root.resolve("tokenizer.json"), "{}");
        DirectoryWriter writer = adapter(root.resolve("adapter")).withCopyOf(source);
        Files.delete(source);
        assertRejected(writer::write, root.resolve("adapter").toAbsolutePath(), "cannot write");
        assertFalse(Files.exists(root.resolve("adapter")));
        assertTrue(listing(root).isEmpty(), listing(root).toString());
    }

    private static List<String> listing(Path dir) {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
