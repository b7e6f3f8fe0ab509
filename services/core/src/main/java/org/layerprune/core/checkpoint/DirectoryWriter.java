package org.layerprune.core.checkpoint;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Writes a new flat directory of files all or nothing, with a {@link Manifest} of them: the mechanics under
 * {@link CheckpointWriter}, and under writers of other directories we publish, such as a PEFT adapter
 * ({@code adapter_config.json}, {@code adapter_model.safetensors}), which has no {@code config.json}.
 *
 * <p>Everything that can be checked is checked as the files are added: names are plain and unique, safetensors
 * headers are validated under their final path, copied files exist. {@link #write} then fills a hidden sibling
 * directory {@code .<name>.tmp-<random>} and turns it into the target with one atomic rename, so a reader never
 * sees a half-written directory and a failed write leaves nothing behind. By default the target must not exist.
 * With {@link #replaceExisting}, an existing directory of the same kind (empty, or holding the kind's identifying
 * file or a {@code manifest.json}) is replaced once the new one is complete: the old one is renamed aside, the new
 * one renamed in, then the old one deleted. Files are not forced to disk, so the guarantee covers readers and
 * crashed writers, not power loss.
 *
 * <pre>{@code
 * DirectoryWriter.to(dir, "adapter", "adapter_config.json")
 *         .withBytes("adapter_config.json", json)
 *         .withSafetensors("adapter_model.safetensors", tensors, Map.of())
 *         .withProvenance(section)
 *         .write();
 * }</pre>
 */
public final class DirectoryWriter {

    /** Writes one file's content to the path it is given, inside the temporary directory. */
    @FunctionalInterface
    interface Content {
        void writeTo(Path file) throws IOException;
    }

    private final Path target;
    private final String kind;
    private final String identifyingFile;
    private final boolean replaceExisting;
    private final Optional<ObjectNode> provenance;
    private final Map<String, Content> files;

    private DirectoryWriter(Path target, String kind, String identifyingFile, boolean replaceExisting,
            Optional<ObjectNode> provenance, Map<String, Content> files) {
        this.target = target;
        this.kind = kind;
        this.identifyingFile = identifyingFile;
        this.replaceExisting = replaceExisting;
        this.provenance = provenance;
        this.files = files;
    }

    /**
     * A writer for the directory {@code outDir}, which must not exist yet; its parent is created.
     *
     * @param kind what the directory is, e.g. "checkpoint" or "adapter", for messages
     * @param identifyingFile the file every directory of this kind holds ({@code config.json},
     *     {@code adapter_config.json}): an existing directory holding it may be replaced
     */
    public static DirectoryWriter to(Path outDir, String kind, String identifyingFile) {
        return new DirectoryWriter(outDir.toAbsolutePath().normalize(), kind, identifyingFile, false,
                Optional.empty(), Map.of());
    }

    /** The directory this writer writes, absolute and normalised: what messages name. */
    public Path target() {
        return target;
    }

    /**
     * Whether an existing target is replaced rather than refused. Only a directory of this kind is replaced: an
     * empty one, or one holding the identifying file or {@code manifest.json}; anything else (a file, a link, a
     * directory such as a home directory) is still refused, so that a mistyped path cannot delete unrelated data.
     */
    public DirectoryWriter replaceExisting(boolean replace) {
        return new DirectoryWriter(target, kind, identifyingFile, replace, provenance, files);
    }

    /** A {@code "provenance"} object for the manifest, saying where the directory came from; copied. */
    public DirectoryWriter withProvenance(ObjectNode section) {
        return new DirectoryWriter(target, kind, identifyingFile, replaceExisting, Optional.of(section.deepCopy()),
                files);
    }

    /**
     * A file with {@code content}, copied now.
     *
     * @throws CheckpointException naming the file when its name is not a plain file name, is
     *     {@code manifest.json}, or is given twice
     */
    public DirectoryWriter withBytes(String name, byte[] content) {
        byte[] copy = content.clone();
        return with(name, file -> Files.write(file, copy));
    }

    /**
     * A copy of {@code source}, byte for byte, under its own file name.
     *
     * @throws CheckpointException naming {@code source} when it is missing or not a regular file, or the name as
     *     {@link #withBytes} does
     */
    public DirectoryWriter withCopyOf(Path source) {
        if (!Files.isRegularFile(source)) {
            throw new CheckpointException(source + ": missing or not a regular file, so it cannot be copied into "
                    + target);
        }
        return with(source.getFileName().toString(), file -> Files.copy(source, file));
    }

    /**
     * A safetensors file of {@code tensors}, as {@link SafetensorsWriter#write} writes it; the header is validated
     * now, under the file's final path, and the tensors' bytes are read when the directory is written.
     *
     * @throws CheckpointException naming the final file and the tensor at fault, or the name as {@link #withBytes}
     *     does
     */
    public DirectoryWriter withSafetensors(String name, List<TensorData> tensors, Map<String, String> metadata) {
        List<TensorData> copy = List.copyOf(tensors);
        SafetensorsHeader header = SafetensorsWriter.header(target.resolve(name), copy, metadata);
        return with(name, file -> SafetensorsWriter.write(file, header, copy));
    }

    /** A file whose content {@code content} writes; the generic form of the {@code with*} methods. */
    DirectoryWriter with(String name, Content content) {
        if (!isPlainFileName(name) || name.equals(Manifest.FILE_NAME)) {
            throw new CheckpointException(target.resolve(name) + ": not a file name " + withArticle()
                    + " can hold beside its " + Manifest.FILE_NAME);
        }
        Map<String, Content> more = new LinkedHashMap<>(files);
        if (more.putIfAbsent(name, content) != null) {
            throw new CheckpointException(target.resolve(name) + ": given twice");
        }
        return new DirectoryWriter(target, kind, identifyingFile, replaceExisting, provenance,
                Collections.unmodifiableMap(more));
    }

    /**
     * Writes every file given, in the order given, then the manifest, into a temporary sibling, and renames it onto
     * the target.
     *
     * @throws CheckpointException naming the target, or the file at fault; nothing is left behind
     */
    public void write() {
        if (target.getParent() == null) {
            throw new CheckpointException(target + ": " + withArticle() + " cannot be the file system root");
        }
        boolean replacing = Files.exists(target, LinkOption.NOFOLLOW_LINKS);
        if (replacing) {
            requireReplaceable();
        }
        Path temp = null;
        try {
            Files.createDirectories(target.getParent());
            temp = Files.createDirectory(TempSibling.of(target));
            for (Map.Entry<String, Content> file : files.entrySet()) {
                file.getValue().writeTo(temp.resolve(file.getKey()));
            }
            Manifest manifest = Manifest.of(temp);
            (provenance.isPresent() ? manifest.withProvenance(provenance.get()) : manifest)
                    .write(temp.resolve(Manifest.FILE_NAME));
            Path replaced = moveIntoPlace(temp, target, replacing);
            temp = null;
            if (replaced != null) {
                deleteReplaced(target, replaced);
            }
        } catch (IOException e) {
            throw removing(temp, new CheckpointException(target + ": cannot write: " + e, e));
        } catch (RuntimeException e) {
            throw removing(temp, e);
        } catch (Error e) {
            throw removing(temp, e);
        }
    }

    /** Refuses an existing target unless replacing was asked for and the target looks like one of this kind. */
    private void requireReplaceable() {
        if (!replaceExisting) {
            throw new CheckpointException(target + ": already exists; a new " + kind + " is only written in its"
                    + " place when asked to replace the existing one");
        }
        if (!Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS)) {
            throw new CheckpointException(target + ": already exists and is not a directory, so it is not replaced");
        }
        boolean empty;
        try (Stream<Path> listing = Files.list(target)) {
            empty = listing.findAny().isEmpty();
        } catch (IOException e) {
            throw new CheckpointException(target + ": cannot list: " + e, e);
        }
        if (!empty && !Files.exists(target.resolve(identifyingFile))
                && !Files.exists(target.resolve(Manifest.FILE_NAME))) {
            throw new CheckpointException(target + ": already exists and holds neither " + identifyingFile + " nor "
                    + Manifest.FILE_NAME + ", so it does not look like " + withArticle() + "; not replacing it");
        }
    }

    /**
     * Renames the complete {@code temp} onto {@code target}. When replacing, the existing target is first renamed
     * aside, and renamed back should the second rename fail; the path it was moved to is returned for deletion.
     */
    private static Path moveIntoPlace(Path temp, Path target, boolean replacing) throws IOException {
        if (!replacing) {
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
            return null;
        }
        Path aside = TempSibling.of(target);
        Files.move(target, aside, StandardCopyOption.ATOMIC_MOVE);
        try {
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException | RuntimeException e) {
            try {
                Files.move(aside, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException | RuntimeException restoring) {
                e.addSuppressed(restoring);
            }
            throw e;
        }
        return aside;
    }

    /** Deletes the directory that was replaced; says so, with the new one in place, if that fails. */
    private static void deleteReplaced(Path target, Path replaced) {
        CheckpointException leftOver = removing(replaced, new CheckpointException(target + ": written, but the"
                + " directory it replaced could not be deleted from " + replaced));
        if (leftOver.getSuppressed().length > 0) {
            throw leftOver;
        }
    }

    /** "a checkpoint", "an adapter". */
    private String withArticle() {
        return ("aeiou".indexOf(kind.charAt(0)) >= 0 ? "an " : "a ") + kind;
    }

    static boolean isPlainFileName(String name) {
        return !name.isEmpty() && !name.equals(".") && !name.equals("..")
                && name.indexOf('/') < 0 && name.indexOf('\\') < 0 && name.indexOf('\0') < 0;
    }

    /**
     * Deletes the temporary directory, if it was created, on the way out of a failed write; a failure to delete is
     * attached to {@code failure}, which is returned for the caller to throw.
     */
    private static <T extends Throwable> T removing(Path temp, T failure) {
        if (temp == null) {
            return failure;
        }
        try (Stream<Path> walk = Files.walk(temp)) {
            for (Path path : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        } catch (IOException | RuntimeException e) {
            failure.addSuppressed(e);
        }
        return failure;
    }
}
