package org.layerprune.contracts.artifact;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.regex.Pattern;

/**
 * A file or directory named by an event, relative to the artifact root every service is configured with (later an
 * object store prefix). Events carry refs, never host paths, so that one event means the same thing on every worker
 * and a crafted event cannot make a service read or write elsewhere.
 *
 * <p>A ref is '/'-separated segments of letters, digits, '.', '_' and '-': never absolute, never an empty, "." or
 * ".." segment, at most {@value #MAX_LENGTH} characters; the same rule as {@code $defs/ref} in
 * {@code schemas/common/v1.json}. That keeps it inside the root lexically; {@link #resolve} also refuses a symbolic
 * link that leads out.
 *
 * @param path the ref as written in events, e.g. {@code experiments/demo/variants/demo-n2-pruned}
 */
public record ArtifactRef(@JsonValue String path) {

    /** The longest ref accepted. */
    public static final int MAX_LENGTH = 1024;

    private static final Pattern SEGMENT = Pattern.compile("[A-Za-z0-9._-]+");

    public ArtifactRef {
        if (path == null) {
            throw new IllegalArgumentException("artifact ref is missing");
        }
        String problem = problem(path);
        if (problem != null) {
            throw new IllegalArgumentException("artifact ref \"" + path + "\" " + problem
                    + "; a ref is a relative path under the artifact root");
        }
    }

    /** The ref {@code path}, checked as the constructor does; the form Jackson reads. */
    @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
    public static ArtifactRef of(String path) {
        return new ArtifactRef(path);
    }

    /**
     * The ref of {@code file}, a path under {@code root}, e.g. the checkpoint a stage has just written.
     *
     * @throws IllegalArgumentException when {@code file} is not under {@code root} lexically
     */
    public static ArtifactRef of(Path root, Path file) {
        Path base = root.toAbsolutePath().normalize();
        Path target = file.toAbsolutePath().normalize();
        if (!target.startsWith(base) || target.equals(base)) {
            throw new IllegalArgumentException(file + " is not inside the artifact root " + root);
        }
        return new ArtifactRef(base.relativize(target).toString().replace(target.getFileSystem().getSeparator(), "/"));
    }

    /**
     * Where this ref lies under {@code root}, with every symbolic link on the way resolved. The target need not exist
     * yet (a stage's output); the part of it that does must stay inside the root.
     *
     * @throws OutsideArtifactRootException when a symbolic link leads out of the root, or dangles
     * @throws UncheckedIOException when the root cannot be read
     */
    public Path resolve(Path root) {
        Path realRoot = realPath(root);
        Path lexical = realRoot.resolve(path);
        Path existing = lexical;
        while (!existing.equals(realRoot) && !Files.exists(existing, LinkOption.NOFOLLOW_LINKS)) {
            existing = existing.getParent();
        }
        Path realExisting;
        try {
            realExisting = existing.toRealPath();
        } catch (NoSuchFileException e) {
            throw new OutsideArtifactRootException(this, realRoot, "passes a dangling symbolic link at " + existing);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot resolve artifact ref \"" + path + "\": " + e.getMessage(), e);
        }
        if (!realExisting.startsWith(realRoot)) {
            throw new OutsideArtifactRootException(this, realRoot, "resolves to " + realExisting
                    + " through a symbolic link");
        }
        return realExisting.resolve(existing.relativize(lexical));
    }

    @Override
    public String toString() {
        return path;
    }

    private static Path realPath(Path root) {
        try {
            return root.toRealPath();
        } catch (IOException e) {
            throw new UncheckedIOException("artifact root " + root + " cannot be read: " + e.getMessage(), e);
        }
    }

    /** Why {@code path} is not a ref, or null when it is one. */
    private static String problem(String path) {
        if (path.isEmpty()) {
            return "is empty";
        }
        if (path.length() > MAX_LENGTH) {
            return "is longer than " + MAX_LENGTH + " characters";
        }
        if (path.startsWith("/")) {
            return "is absolute";
        }
        for (String segment : path.split("/", -1)) {
            if (segment.isEmpty()) {
                return "has an empty segment";
            }
            if (segment.equals(".") || segment.equals("..")) {
                return "has a \"" + segment + "\" segment";
            }
            if (!SEGMENT.matcher(segment).matches()) {
                return "has a segment \"" + segment + "\" with a character other than letters, digits, '.', '_', '-'";
            }
        }
        return null;
    }
}
