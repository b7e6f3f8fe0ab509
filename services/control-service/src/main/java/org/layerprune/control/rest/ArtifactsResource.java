package org.layerprune.control.rest;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.Response.Status;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.layerprune.contracts.artifact.ArtifactRef;
import org.layerprune.contracts.artifact.OutsideArtifactRootException;

/**
 * The artifacts the events name, read-only: a file's bytes, or a directory's entries as JSON, by the ref the view
 * holds (a pruned checkpoint, an adapter, a merged checkpoint, the mergekit recipe beside a pruned checkpoint). A ref
 * is checked as every stage checks it ({@link ArtifactRef}): relative, no {@code ..}, and no symbolic link on the way
 * leading out of the artifact root.
 */
@Path("/artifacts")
public class ArtifactsResource {

    /** Types a browser shows rather than downloads; anything else is bytes. */
    private static final Map<String, String> TYPES = Map.of(
            "json", MediaType.APPLICATION_JSON,
            "yaml", "text/plain;charset=utf-8",
            "yml", "text/plain;charset=utf-8",
            "jsonl", "text/plain;charset=utf-8",
            "txt", "text/plain;charset=utf-8",
            "csv", "text/plain;charset=utf-8",
            "md", "text/plain;charset=utf-8",
            "svg", ExperimentsResource.SVG,
            "png", ExperimentsResource.PNG);

    private final java.nio.file.Path root;

    public ArtifactsResource(@ConfigProperty(name = "layerprune.artifact-root", defaultValue = "artifacts")
            java.nio.file.Path root) {
        this.root = root;
    }

    /**
     * One directory entry.
     *
     * @param name the file name
     * @param ref its ref, for {@code GET /artifacts/{ref}}
     * @param directory whether it is a directory
     * @param size bytes of a file; null for a directory
     */
    public record Entry(String name, String ref, boolean directory, Long size) {
    }

    /**
     * A directory's listing.
     *
     * @param ref the directory
     * @param entries its entries by name
     */
    public record Listing(String ref, List<Entry> entries) {
    }

    /** The file or directory {@code ref} names under the artifact root. */
    @APIResponse(responseCode = "200", description = "a file's bytes, or a directory's listing",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = Listing.class)))
    @APIResponse(responseCode = "400", description = "not a ref", content = @Content(schema = @Schema(implementation =
            Problem.class)))
    @APIResponse(responseCode = "403", description = "leads out of the artifact root through a symbolic link",
            content = @Content(schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "404", description = "nothing there",
            content = @Content(schema = @Schema(implementation = Problem.class)))
    @GET
    @Path("{ref: .+}")
    @Produces(MediaType.WILDCARD)
    public Response get(@PathParam("ref") String ref) {
        ArtifactRef artifact;
        try {
            artifact = ArtifactRef.of(ref);
        } catch (IllegalArgumentException e) {
            return Problem.response(Status.BAD_REQUEST, "not an artifact ref",
                    List.of(new Problem.FieldError("ref", e.getMessage())));
        }
        java.nio.file.Path path;
        try {
            path = artifact.resolve(root);
        } catch (OutsideArtifactRootException e) {
            return Problem.response(Status.FORBIDDEN, "artifact " + ref + " leads out of the artifact root");
        } catch (UncheckedIOException e) {
            return Problem.response(Status.NOT_FOUND, "no artifact root to read " + ref + " from");
        }
        if (Files.isDirectory(path)) {
            try {
                return Response.ok(listing(artifact, path), MediaType.APPLICATION_JSON_TYPE).build();
            } catch (IOException e) {
                return Problem.response(Status.INTERNAL_SERVER_ERROR, "cannot list " + ref + ": " + e.getMessage());
            }
        }
        if (!Files.isRegularFile(path)) {
            return Problem.response(Status.NOT_FOUND, "no artifact " + ref);
        }
        String name = path.getFileName().toString();
        String extension = name.contains(".") ? name.substring(name.lastIndexOf('.') + 1).toLowerCase(Locale.ROOT) : "";
        String type = TYPES.getOrDefault(extension, MediaType.APPLICATION_OCTET_STREAM);
        // bytes are saved under their own name; text is shown in the browser
        String disposition = (type.equals(MediaType.APPLICATION_OCTET_STREAM) ? "attachment" : "inline")
                + "; filename=\"" + name + "\"";
        return Response.ok(path.toFile(), type).header("Content-Disposition", disposition).build();
    }

    private static Listing listing(ArtifactRef ref, java.nio.file.Path dir) throws IOException {
        List<Entry> entries = new ArrayList<>();
        try (Stream<java.nio.file.Path> list = Files.list(dir)) {
            for (java.nio.file.Path entry : (Iterable<java.nio.file.Path>) list.sorted()::iterator) {
                String name = entry.getFileName().toString();
                boolean directory = Files.isDirectory(entry, LinkOption.NOFOLLOW_LINKS);
                Long size = Files.isRegularFile(entry, LinkOption.NOFOLLOW_LINKS) ? Files.size(entry) : null;
                entries.add(new Entry(name, ref.path() + "/" + name, directory, size));
            }
        }
        return new Listing(ref.path(), entries);
    }
}
