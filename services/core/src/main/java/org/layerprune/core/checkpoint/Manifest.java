package org.layerprune.core.checkpoint;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * layerprune's {@code manifest.json}: the SHA-256 and size of every other file in a checkpoint directory we wrote,
 * {@code {"files": {"<file name>": {"sha256": hex, "bytes": N}}}}, so that whoever picks the output up can check it
 * arrived whole and unchanged; optionally preceded by a {@code "provenance"} object saying where the checkpoint came
 * from (for a pruned one: the source, its hash, the layers removed and why), which this class carries but does not
 * interpret.
 *
 * <p>The manifest cannot list itself. Checkpoint directories are flat, so anything in one that is not a regular
 * file is an error rather than something to recurse into.
 *
 * @param files file name to digest, sorted by name
 * @param provenance the {@code "provenance"} object, when there is one; copied in and out
 */
public record Manifest(Map<String, FileDigest> files, Optional<ObjectNode> provenance) {

    /** The tool and version recorded in the provenance of every manifest layerprune writes. */
    public static final String TOOL = "layerprune 0.1.0";


    /** The manifest's name in a checkpoint directory. */
    public static final String FILE_NAME = "manifest.json";

    /** Large reads keep hashing a multi-gigabyte shard near disk speed; the buffer is reused for the whole file. */
    private static final int BUFFER_BYTES = 4 << 20;

    /**
     * One file's content fingerprint.
     *
     * @param sha256 lower-case hex
     * @param bytes file size
     */
    public record FileDigest(String sha256, long bytes) {

        /**
         * Streams {@code file} through SHA-256 in large chunks, so a file of any size is digested in constant memory.
         *
         * @throws CheckpointException naming the file when it cannot be read
         */
        public static FileDigest of(Path file) {
            MessageDigest sha256;
            try {
                sha256 = MessageDigest.getInstance("SHA-256");
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("every Java platform provides SHA-256", e);
            }
            long bytes = 0;
            byte[] buffer = new byte[BUFFER_BYTES];
            try (InputStream in = Files.newInputStream(file)) {
                for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                    sha256.update(buffer, 0, n);
                    bytes += n;
                }
            } catch (IOException e) {
                throw new CheckpointException(file + ": cannot read: " + e, e);
            }
            return new FileDigest(HexFormat.of().formatHex(sha256.digest()), bytes);
        }
    }

    public Manifest {
        files = Collections.unmodifiableMap(new TreeMap<>(files));
        provenance = provenance.map(ObjectNode::deepCopy);
    }

    /** A manifest of {@code files} alone, without provenance. */
    public Manifest(Map<String, FileDigest> files) {
        this(files, Optional.empty());
    }

    /** A copy of the provenance object, when there is one. */
    @Override
    public Optional<ObjectNode> provenance() {
        return provenance.map(ObjectNode::deepCopy);
    }

    /** The same file list with {@code section} as its provenance. */
    public Manifest withProvenance(ObjectNode section) {
        return new Manifest(files, Optional.of(section));
    }

    /**
     * Hashes every file in {@code dir} except {@code manifest.json}, streaming each one.
     *
     * @throws CheckpointException naming the directory or file when one cannot be read or is not a regular file
     */
    public static Manifest of(Path dir) {
        List<Path> entries;
        try (Stream<Path> listing = Files.list(dir)) {
            entries = listing.toList();
        } catch (IOException e) {
            throw new CheckpointException(dir + ": cannot list: " + e, e);
        }
        Map<String, FileDigest> files = new TreeMap<>();
        for (Path entry : entries) {
            String name = entry.getFileName().toString();
            if (name.equals(FILE_NAME)) {
                continue;
            }
            if (!Files.isRegularFile(entry)) {
                throw new CheckpointException(entry + ": not a regular file; a checkpoint directory is flat");
            }
            files.put(name, FileDigest.of(entry));
        }
        return new Manifest(files);
    }

    /**
     * Reads a manifest written by {@link #write}.
     *
     * @throws CheckpointException naming the file when it is unreadable or not shaped like a manifest
     */
    public static Manifest read(Path file) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new CheckpointException(file + ": cannot read: " + e, e);
        }
        ObjectNode root = Json.parseObject(file, bytes, "manifest");
        JsonNode filesNode = root.get("files");
        if (filesNode == null || !filesNode.isObject()) {
            throw new CheckpointException(file + ": files is missing or not a JSON object");
        }
        Map<String, FileDigest> files = new TreeMap<>();
        for (Map.Entry<String, JsonNode> entry : filesNode.properties()) {
            JsonNode sha = entry.getValue().path("sha256");
            JsonNode size = entry.getValue().path("bytes");
            if (!sha.isTextual() || !size.isIntegralNumber() || !size.canConvertToLong()) {
                throw new CheckpointException(file + ": entry " + entry.getKey() + " lacks a sha256 string or a"
                        + " bytes integer");
            }
            files.put(entry.getKey(), new FileDigest(sha.textValue(), size.longValue()));
        }
        JsonNode provenance = root.get("provenance");
        if (provenance != null && !provenance.isObject()) {
            throw new CheckpointException(file + ": provenance is not a JSON object");
        }
        return new Manifest(files, Optional.ofNullable((ObjectNode) provenance));
    }

    /**
     * Writes the manifest as indented JSON, the provenance (if any) first.
     *
     * @throws CheckpointException naming the file when it cannot be written
     */
    public void write(Path file) {
        ObjectNode root = Json.MAPPER.createObjectNode();
        provenance.ifPresent(section -> root.set("provenance", section.deepCopy()));
        ObjectNode filesNode = root.putObject("files");
        files.forEach((name, digest) -> filesNode.putObject(name)
                .put("sha256", digest.sha256())
                .put("bytes", digest.bytes()));
        try {
            Files.write(file, Json.pretty(root));
        } catch (IOException e) {
            throw new CheckpointException(file + ": cannot write: " + e, e);
        }
    }

    /**
     * Checks that {@code dir} holds exactly the files this manifest lists, with the listed content.
     *
     * @throws CheckpointException naming the first file that is missing, unlisted or changed
     */
    public void verify(Path dir) {
        Manifest actual = of(dir);
        for (Map.Entry<String, FileDigest> expected : files.entrySet()) {
            FileDigest found = actual.files.get(expected.getKey());
            if (found == null) {
                throw new CheckpointException(dir.resolve(expected.getKey()) + ": listed in the manifest but missing");
            }
            if (!found.equals(expected.getValue())) {
                throw new CheckpointException(dir.resolve(expected.getKey()) + ": has sha256 " + found.sha256()
                        + " and " + found.bytes() + " bytes, the manifest says " + expected.getValue().sha256()
                        + " and " + expected.getValue().bytes());
            }
        }
        for (String name : actual.files.keySet()) {
            if (!files.containsKey(name)) {
                throw new CheckpointException(dir.resolve(name) + ": not listed in the manifest");
            }
        }
    }
}
