package org.layerprune.core.checkpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.layerprune.core.checkpoint.TestFiles.assertRejected;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ManifestTest {

    /** SHA-256 of "abc", FIPS 180-2 appendix B.1. */
    private static final String SHA256_ABC = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";

    /** SHA-256 of no bytes. */
    private static final String SHA256_EMPTY = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

    @TempDir
    Path dir;

    @BeforeEach
    void twoFiles() throws IOException {
        Files.writeString(dir.resolve("abc.txt"), "abc");
        Files.write(dir.resolve("empty.bin"), new byte[0]);
    }

    @Test
    void digestsEveryFileButItself() {
        Manifest.of(dir).write(dir.resolve(Manifest.FILE_NAME));
        assertEquals(Map.of("abc.txt", new Manifest.FileDigest(SHA256_ABC, 3),
                "empty.bin", new Manifest.FileDigest(SHA256_EMPTY, 0)), Manifest.of(dir).files());
    }

    @Test
    void roundTripsThroughManifestJson() throws IOException {
        Manifest manifest = Manifest.of(dir);
        Path file = dir.resolve(Manifest.FILE_NAME);
        manifest.write(file);
        assertEquals(manifest, Manifest.read(file));
        assertEquals("""
                {
                  "files": {
                    "abc.txt": {
                      "sha256": "%s",
                      "bytes": 3
                    },
                    "empty.bin": {
                      "sha256": "%s",
                      "bytes": 0
                    }
                  }
                }
                """.formatted(SHA256_ABC, SHA256_EMPTY), Files.readString(file));
    }

    @Test
    void verifyNamesAChangedFile() throws IOException {
        Manifest manifest = Manifest.of(dir);
        Files.writeString(dir.resolve("abc.txt"), "abd");
        assertRejected(() -> manifest.verify(dir), dir.resolve("abc.txt"), SHA256_ABC);
    }

    @Test
    void verifyNamesAMissingFileAndAnUnlistedOne() throws IOException {
        Manifest manifest = Manifest.of(dir);
        Files.writeString(dir.resolve("extra.txt"), "x");
        assertRejected(() -> manifest.verify(dir), dir.resolve("extra.txt"), "not listed");
        Files.delete(dir.resolve("extra.txt"));
        Files.delete(dir.resolve("empty.bin"));
        assertRejected(() -> manifest.verify(dir), dir.resolve("empty.bin"), "missing");
    }

    @Test
    void rejectsASubdirectoryBecauseCheckpointsAreFlat() throws IOException {
        Files.createDirectory(dir.resolve("nested"));
        assertRejected(() -> Manifest.of(dir), dir.resolve("nested"), "not a regular file");
    }

    @Test
    void rejectsAManifestEntryWithoutAHashAndASize() throws IOException {
        Path file = Files.writeString(dir.resolve(Manifest.FILE_NAME), "{\"files\": {\"a\": {\"sha256\": 1}}}");
        assertRejected(() -> Manifest.read(file), file, "entry a");
    }

    @Test
    void carriesAProvenanceSectionWrittenBeforeTheFiles() throws IOException {
        ObjectNode provenance = new ObjectMapper().createObjectNode().put("tool", "layerprune 0.1.0");
        provenance.putObject("source").put("hash", "abc");
        Manifest manifest = Manifest.of(dir).withProvenance(provenance);
        provenance.put("tool", "changed afterwards");
        Path file = dir.resolve(Manifest.FILE_NAME);
        manifest.write(file);

        Manifest read = Manifest.read(file);
        assertEquals(manifest, read);
        assertEquals("layerprune 0.1.0", read.provenance().orElseThrow().get("tool").asText());
        assertEquals("abc", read.provenance().orElseThrow().at("/source/hash").asText());
        assertTrue(Files.readString(file).startsWith("{\n  \"provenance\": {\n    \"tool\""));
        assertTrue(Manifest.of(dir).provenance().isEmpty());
    }

    @Test
    void rejectsAProvenanceThatIsNotAnObject() throws IOException {
        Path file = Files.writeString(dir.resolve(Manifest.FILE_NAME), "{\"provenance\": 1, \"files\": {}}");
        assertRejected(() -> Manifest.read(file), file, "provenance");
    }
}
