package org.layerprune.deploy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * A schema check of Kubernetes manifests through fabric8's API types (generated from Kubernetes' OpenAPI, on Maven
 * Central): a manifest passes when it reads into the type of its apiVersion and kind with no field left over anywhere
 * (fabric8 keeps unknown fields in {@code additionalProperties} instead of failing, so every object of the graph is
 * inspected), and writes back to the same JSON (a scalar of the wrong type, which Jackson would coerce, comes back
 * different). Required fields and enumerations are not in the Java types; the tests check the ones that matter here.
 */
final class KubernetesSchema {

    /** The types of the kinds deploy/k8s uses, by apiVersion and kind. */
    private static final Map<String, Class<?>> TYPES = Map.of(
            "v1/Namespace", Namespace.class,
            "v1/ConfigMap", ConfigMap.class,
            "v1/PersistentVolumeClaim", PersistentVolumeClaim.class,
            "v1/Service", Service.class,
            "apps/v1/Deployment", Deployment.class,
            "batch/v1/Job", Job.class);

    private KubernetesSchema() {
    }

    /** Whether {@code apiVersion/kind} is one this check knows. */
    static boolean knows(JsonNode manifest) {
        return TYPES.containsKey(key(manifest));
    }

    /** The problems of one manifest; empty when it passes. */
    static List<String> problems(JsonNode manifest) {
        Class<?> type = TYPES.get(key(manifest));
        if (type == null) {
            return List.of("no Kubernetes type for " + key(manifest));
        }
        Object typed;
        try {
            typed = Repo.JSON.treeToValue(manifest, type);
        } catch (JsonProcessingException | IllegalArgumentException e) {
            return List.of("does not read as " + type.getSimpleName() + ": " + e.getMessage());
        }
        List<String> problems = new ArrayList<>();
        unknownFields(typed, manifest.path("kind").asText(), problems, new IdentityHashMap<>());
        JsonNode back = Repo.JSON.valueToTree(typed);
        differences(manifest, back, "", problems);
        return problems;
    }

    /** Where {@code written} differs from {@code read}: each path with what was read and what came back. */
    private static void differences(JsonNode read, JsonNode written, String path, List<String> problems) {
        if (read.isObject() && written.isObject()) {
            java.util.Set<String> names = new java.util.TreeSet<>();
            read.fieldNames().forEachRemaining(names::add);
            written.fieldNames().forEachRemaining(names::add);
            for (String name : names) {
                differences(read.path(name), written.path(name), path + "." + name, problems);
            }
        } else if (read.isArray() && written.isArray() && read.size() == written.size()) {
            for (int i = 0; i < read.size(); i++) {
                differences(read.get(i), written.get(i), path + "[" + i + "]", problems);
            }
        } else if (read.isNumber() && written.isNumber()) {
            // an int64 field writes back a long: equal values of two widths are the same JSON number
            if (read.decimalValue().compareTo(written.decimalValue()) != 0) {
                problems.add(path + ": read " + read + ", written back " + written);
            }
        } else if (!read.equals(written)) {
            problems.add(path + ": read " + read + ", written back " + written);
        }
    }

    private static String key(JsonNode manifest) {
        return manifest.path("apiVersion").asText() + "/" + manifest.path("kind").asText();
    }

    /** Adds a problem for every non-empty additionalProperties map in the object graph under {@code value}. */
    private static void unknownFields(Object value, String path, List<String> problems, Map<Object, Boolean> seen) {
        if (value == null || seen.put(value, Boolean.TRUE) != null) {
            return;
        }
        if (value instanceof Collection<?> items) {
            int i = 0;
            for (Object item : items) {
                unknownFields(item, path + "[" + i++ + "]", problems, seen);
            }
            return;
        }
        if (value instanceof Map<?, ?> map) {
            map.forEach((key, item) -> unknownFields(item, path + "." + key, problems, seen));
            return;
        }
        if (!value.getClass().getName().startsWith("io.fabric8.")) {
            return; // strings, numbers, booleans
        }
        for (Class<?> type = value.getClass(); type != Object.class; type = type.getSuperclass()) {
            for (Field field : type.getDeclaredFields()) {
                if (Modifier.isStatic(field.getModifiers())) {
                    continue;
                }
                field.setAccessible(true);
                Object child;
                try {
                    child = field.get(value);
                } catch (IllegalAccessException e) {
                    throw new IllegalStateException(e);
                }
                if (field.getName().equals("additionalProperties")) {
                    if (child instanceof Map<?, ?> extra && !extra.isEmpty()) {
                        problems.add(path + ": unknown field(s) " + extra.keySet() + " in "
                                + value.getClass().getSimpleName());
                    }
                } else {
                    unknownFields(child, path + "." + field.getName(), problems, seen);
                }
            }
        }
    }
}
