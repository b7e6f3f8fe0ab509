package org.layerprune.allinone;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * The all-in-one leaves the services' own application.properties off its classpath and restates their wiring in its
 * own: every channel's topic, group, serdes and failure handling, every worker pool and the Streams topics must read as
 * the service's, or the services would behave otherwise inside the all-in-one than deployed on their own.
 */
class ServicesConfigurationTest {

    private static final Path SERVICES = Path.of("..");
    private static final List<String> MODULES = List.of("probe-service", "prune-service", "heal-service",
            "eval-service", "control-service");
    /** The keys that wire a service to the broker and to its workers. */
    private static final List<String> WIRING = List.of("mp.messaging.", "smallrye.messaging.",
            "quarkus.kafka-streams.topics", "quarkus.kafka-streams.application-id");

    @Test
    void restatesEveryServicesWiringAsTheServiceHasIt() throws IOException {
        Properties allInOne = load(Path.of("src/main/resources/application.properties"));
        Map<String, String> differences = new TreeMap<>();
        int compared = 0;
        for (String module : MODULES) {
            Properties service = load(SERVICES.resolve(module).resolve("src/main/resources/application.properties"));
            for (String key : service.stringPropertyNames()) {
                if (WIRING.stream().anyMatch(key::startsWith)) {
                    compared++;
                    String own = service.getProperty(key);
                    String restated = allInOne.getProperty(key);
                    if (!own.equals(restated)) {
                        differences.put(module + ": " + key, own + " (all-in-one: " + restated + ")");
                    }
                }
            }
        }
        assertFalse(compared < 60, "only " + compared + " wiring keys found: are the services' files where expected?");
        assertEquals(Map.of(), differences);
    }

    private static Properties load(Path file) throws IOException {
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(file)) {
            properties.load(reader);
        }
        return properties;
    }
}
