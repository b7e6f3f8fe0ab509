package org.layerprune.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/** The repository as the deploy tests read it: files, the root pom's service modules, their configuration. */
final class Repo {

    static final ObjectMapper JSON = new ObjectMapper();

    /** The repository root (Maven passes it; the default is right when run from deploy/). */
    static final Path ROOT = Path.of(System.getProperty("layerprune.root", "..")).toAbsolutePath().normalize();

    /** The project version the images are tagged with. */
    static final String VERSION = System.getProperty("layerprune.version", "0.1.0-SNAPSHOT");

    /**
     * Services that issue 7 deploys but whose module lands from another branch: expected in compose and k8s even
     * before the root pom lists them. Once the module is there, nothing changes.
     */
    static final List<String> PENDING_SERVICES = List.of("control-service");

    private static final Pattern MODULE = Pattern.compile("<module>services/([a-z0-9-]+-service)</module>");

    private Repo() {
    }

    static Path path(String relative) {
        return ROOT.resolve(relative);
    }

    static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The services/*-service modules of the root pom, in its order. */
    static List<String> serviceModules() {
        List<String> modules = new ArrayList<>();
        Matcher matcher = MODULE.matcher(read(path("pom.xml")));
        while (matcher.find()) {
            modules.add(matcher.group(1));
        }
        return modules;
    }

    /** Every service the deployment runs: the service modules and the pending ones, sorted. */
    static List<String> deployedServices() {
        return Stream.concat(serviceModules().stream(), PENDING_SERVICES.stream()).distinct().sorted().toList();
    }

    /** A module's src/main/resources/application.properties; empty for a module that has none (yet). */
    static Properties applicationProperties(String module) {
        Path file = path("services/" + module + "/src/main/resources/application.properties");
        Properties properties = new Properties();
        if (Files.isRegularFile(file)) {
            try {
                properties.load(new StringReader(read(file)));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return properties;
    }

    /**
     * Every document of a YAML file as a JSON tree. SnakeYAML, not Jackson's YAML reader: it resolves merge keys
     * ({@code <<: *anchor}), which Compose files use and Jackson would leave as a field named "<<".
     */
    static List<JsonNode> yamlDocuments(Path file) {
        Yaml yaml = new Yaml(new SafeConstructor(new LoaderOptions()));
        List<JsonNode> documents = new ArrayList<>();
        for (Object document : yaml.loadAll(read(file))) {
            if (document != null) {
                documents.add(JSON.valueToTree(document));
            }
        }
        return documents;
    }

    static JsonNode yaml(Path file) {
        List<JsonNode> documents = yamlDocuments(file);
        if (documents.size() != 1) {
            throw new IllegalStateException(file + " holds " + documents.size() + " documents, not one");
        }
        return documents.get(0);
    }

    static JsonNode json(Path file) {
        try {
            return JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every file under deploy/ and the compose files at the root whose name ends with one of the extensions. */
    static List<Path> deployFiles(String... extensions) {
        try (Stream<Path> files = Stream.concat(Files.walk(path("deploy")), Files.list(ROOT))) {
            return files.filter(Files::isRegularFile)
                    .filter(file -> !ROOT.relativize(file).toString().contains("node_modules"))
                    .filter(file -> !ROOT.relativize(file).startsWith(Path.of("deploy", "target")))
                    .filter(file -> ROOT.relativize(file).startsWith("deploy")
                            || file.getFileName().toString().startsWith("docker-compose"))
                    .filter(file -> Stream.of(extensions).anyMatch(ext -> file.getFileName().toString().endsWith(ext)))
                    .sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Compose's {@code ${NAME:-default}} and {@code ${NAME-default}} interpolated with their defaults. */
    static String composeDefaults(String text) {
        return text.replaceAll("\\$\\{[A-Za-z_][A-Za-z0-9_]*:?-([^}]*)}", "$1");
    }

    /** The names of a JSON object's fields with their values, sorted by name. */
    static Map<String, JsonNode> fields(JsonNode object) {
        Map<String, JsonNode> fields = new TreeMap<>();
        object.fields().forEachRemaining(entry -> fields.put(entry.getKey(), entry.getValue()));
        return fields;
    }
}
