package org.layerprune.contracts;

import com.networknt.schema.Error;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SchemaRegistryConfig;
import com.networknt.schema.SpecificationVersion;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.layerprune.contracts.events.EventType;

/**
 * The JSON Schemas in the repository's {@code schemas/} (the source of truth, read in place) under networknt's
 * draft 2020-12 validator, with {@code format} asserted. Schema ids under https://layerprune.org/schemas/ resolve to
 * the files, never to the network, so a relative {@code $ref} to {@code common/v1.json} works offline.
 */
public final class ContractSchemas {

    /** The directory shared by all schema ids. */
    public static final String ID_PREFIX = "https://layerprune.org/schemas/";

    /** The directory of definitions shared by the event schemas; not an event. */
    public static final String COMMON = "common";

    private static final Path DIR = Path.of(System.getProperty("layerprune.schemas.dir", "../../schemas"))
            .toAbsolutePath().normalize();

    private static final SchemaRegistry REGISTRY = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12,
            builder -> builder
                    .schemas(ContractSchemas::text)
                    .schemaRegistryConfig(SchemaRegistryConfig.builder().formatAssertionsEnabled(true).build()));

    private ContractSchemas() {
    }

    /** The text of the schema with id {@code iri}, from {@code schemas/}; null (unknown) for any other id. */
    private static String text(String iri) {
        return iri.startsWith(ID_PREFIX) ? read(DIR.resolve(iri.substring(ID_PREFIX.length()))) : null;
    }

    /** {@code schemas/}. */
    public static Path dir() {
        return DIR;
    }

    /** The schema of {@code type}, by its {@code $id}. */
    public static Schema of(EventType<?> type) {
        return REGISTRY.getSchema(SchemaLocation.of(type.schemaId()));
    }

    /** The schema violations of {@code json} as an event of {@code type}; empty when it validates. */
    public static List<Error> violations(EventType<?> type, String json) {
        return of(type).validate(json, InputFormat.JSON);
    }

    /** The names of the event directories under {@code schemas/}: every directory with a v1.json but common. */
    public static List<String> eventNames() {
        try (Stream<Path> entries = Files.list(DIR)) {
            return entries.filter(dir -> Files.isRegularFile(dir.resolve("v1.json")))
                    .map(dir -> dir.getFileName().toString())
                    .filter(name -> !name.equals(COMMON))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The example documents of {@code type} whose names start with {@code prefix} ("valid-" or "invalid-"). */
    public static List<Path> examples(EventType<?> type, String prefix) {
        try (Stream<Path> files = Files.list(DIR.resolve("examples").resolve(type.name()))) {
            return files.filter(file -> file.getFileName().toString().startsWith(prefix)).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The text of {@code file}. */
    public static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
