package org.layerprune.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * Checks Grafana dashboards against what services really export: the metric names in every PromQL expression of the
 * dashboards, and those that no given Prometheus text scrape exposes. An end-to-end test scrapes the running services'
 * {@code /q/metrics} and asserts that {@link #missing} is empty, so that a renamed meter breaks the build instead of a
 * panel going blank.
 *
 * <p>Names, not series: a name counts as exposed when some scrape has a sample of it, or declares its family with
 * {@code # TYPE} (a family whose labelled children have not appeared yet, e.g. a per-topic Kafka metric before the
 * first record), with the sample suffixes of the family's type ({@code _total}, {@code _bucket}, {@code _count},
 * {@code _sum}, ...). Series that Prometheus makes itself ({@code up}, {@code scrape_*}) are never missing.
 */
public final class GrafanaDashboards {

    /** Series that Prometheus adds to every target; no service exports them. */
    private static final Set<String> SYNTHETIC = Set.of("up", "scrape_duration_seconds", "scrape_samples_scraped",
            "scrape_samples_post_metric_relabeling", "scrape_series_added", "scrape_timeout_seconds",
            "scrape_sample_limit", "scrape_body_size_bytes", "ALERTS", "ALERTS_FOR_STATE");

    /** PromQL's aggregation operators: never metric names, whether a parenthesis or by/without follows. */
    private static final Set<String> AGGREGATIONS = Set.of("sum", "min", "max", "avg", "group", "stddev", "stdvar",
            "count", "count_values", "bottomk", "topk", "quantile", "limitk", "limit_ratio");

    /** Keywords followed by a parenthesised list of label names. */
    private static final Set<String> LABEL_LISTS = Set.of("by", "without", "on", "ignoring", "group_left",
            "group_right");

    /** Other keywords and literals that look like identifiers (compared in lower case). */
    private static final Set<String> KEYWORDS = Set.of("and", "or", "unless", "bool", "offset", "atan2", "inf", "nan",
            "start", "end");

    private GrafanaDashboards() {
    }

    /**
     * The PromQL expressions (every {@code "expr"} value, in panels, rows, targets or templating) of a dashboard file,
     * or of every {@code *.json} file under a directory.
     */
    public static List<String> expressions(Path dashboards) {
        List<String> expressions = new ArrayList<>();
        for (Path file : jsonFiles(dashboards)) {
            try {
                expressions.addAll(expressions(Files.readString(file)));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
            }
        }
        return expressions;
    }

    /**
     * The values of every {@code "expr"} key in a dashboard's JSON text, in document order.
     *
     * <p>A scan of JSON's strings rather than a parse into a tree: this module has no JSON library on its compile
     * path, and only the string values of one key are wanted. A string followed by a colon is a key; the string value
     * right after the key {@code expr} is an expression.
     *
     * @throws IllegalArgumentException on an unterminated string or a bad escape
     */
    public static List<String> expressions(CharSequence json) {
        List<String> expressions = new ArrayList<>();
        int[] at = {0};
        String key = null;
        boolean afterColon = false;
        while (at[0] < json.length()) {
            char c = json.charAt(at[0]);
            if (c == '"') {
                String text = jsonString(json, at);
                int next = skipSpace(json, at[0]);
                if (next < json.length() && json.charAt(next) == ':') {
                    key = text;
                    afterColon = true;
                    at[0] = next + 1;
                    continue;
                }
                if (afterColon && "expr".equals(key)) {
                    expressions.add(text);
                }
                afterColon = false;
            } else {
                if (!Character.isWhitespace(c)) {
                    afterColon = false; // a number, literal, array or object is the key's value
                }
                at[0]++;
            }
        }
        return expressions;
    }

    /**
     * The metric names a PromQL expression selects: identifiers that are not functions, aggregations, keywords or
     * label names, plus the values of {@code __name__="..."} matchers. Strings, label matchers' values, ranges,
     * durations, numbers and Grafana variables ({@code $__rate_interval}, {@code ${job}}) are skipped.
     */
    public static Set<String> metricNames(String promql) {
        Set<String> names = new LinkedHashSet<>();
        int i = 0;
        int n = promql.length();
        while (i < n) {
            char c = promql.charAt(i);
            if (c == '"' || c == '\'' || c == '`') {
                i = skipQuoted(promql, i);
            } else if (c == '{') {
                i = matchers(promql, i, names);
            } else if (c == '[') {
                i = skipTo(promql, i, ']');
            } else if (c == '#') {
                i = skipTo(promql, i, '\n');
            } else if (c == '$') {
                i = skipVariable(promql, i);
            } else if (Character.isDigit(c) || (c == '.' && i + 1 < n && Character.isDigit(promql.charAt(i + 1)))) {
                while (i < n && (Character.isLetterOrDigit(promql.charAt(i)) || promql.charAt(i) == '.'
                        || promql.charAt(i) == '_'
                        || ((promql.charAt(i) == '+' || promql.charAt(i) == '-')
                            && Character.toLowerCase(promql.charAt(i - 1)) == 'e'))) {
                    i++; // 60, 1.5e+3, 0x1f, 5m30s
                }
            } else if (identifierStart(c)) {
                int start = i;
                while (i < n && identifierPart(promql.charAt(i))) {
                    i++;
                }
                String word = promql.substring(start, i);
                int next = skipSpace(promql, i);
                String lower = word.toLowerCase(Locale.ROOT);
                if (LABEL_LISTS.contains(lower)) {
                    if (next < n && promql.charAt(next) == '(') {
                        i = skipTo(promql, next, ')');
                    }
                } else if (AGGREGATIONS.contains(lower) || KEYWORDS.contains(lower)) {
                    continue;
                } else if (next < n && promql.charAt(next) == '(') {
                    continue; // a function: rate(, histogram_quantile(, label_replace(, ...
                } else {
                    names.add(word);
                }
            } else {
                i++;
            }
        }
        return names;
    }

    /**
     * The names a Prometheus text scrape (0.0.4 or OpenMetrics) exposes: every sample's name, and for every family
     * that {@code # TYPE} declares, the names its type's samples take.
     */
    public static Set<String> exposedNames(String scrape) {
        Set<String> names = new TreeSet<>();
        for (String raw : scrape.split("\n")) {
            String line = raw.strip();
            if (line.isEmpty()) {
                continue;
            }
            if (line.startsWith("#")) {
                String[] parts = line.split("\\s+");
                if (parts.length >= 4 && parts[1].equals("TYPE")) {
                    names.addAll(familyNames(parts[2], parts[3].toLowerCase(Locale.ROOT)));
                }
                continue;
            }
            int end = 0;
            while (end < line.length() && line.charAt(end) != '{' && !Character.isWhitespace(line.charAt(end))) {
                end++;
            }
            names.add(line.substring(0, end));
        }
        return names;
    }

    /**
     * The metric names that the expressions of the dashboards (a file or a directory of them) use but none of the
     * scrapes exposes, each with the expressions that use it; empty when every panel has data to show.
     */
    public static SortedMap<String, List<String>> missing(Path dashboards, Collection<String> scrapes) {
        return missing(expressions(dashboards), scrapes);
    }

    /** As {@link #missing(Path, Collection)}, for expressions at hand. */
    public static SortedMap<String, List<String>> missing(List<String> expressions, Collection<String> scrapes) {
        Set<String> exposed = new TreeSet<>(SYNTHETIC);
        scrapes.forEach(scrape -> exposed.addAll(exposedNames(scrape)));
        SortedMap<String, List<String>> missing = new TreeMap<>();
        for (String expression : expressions) {
            for (String name : metricNames(expression)) {
                if (!exposed.contains(name)) {
                    missing.computeIfAbsent(name, unused -> new ArrayList<>()).add(expression);
                }
            }
        }
        return missing;
    }

    private static Set<String> familyNames(String family, String type) {
        List<String> suffixes = switch (type) {
            case "counter" -> family.endsWith("_total") ? List.of("") : List.of("", "_total", "_created");
            case "histogram" -> List.of("_bucket", "_count", "_sum", "_created");
            case "gaugehistogram" -> List.of("_bucket", "_gcount", "_gsum");
            case "summary" -> List.of("", "_count", "_sum", "_created");
            case "info" -> List.of("_info");
            default -> List.of(""); // gauge, untyped, unknown, stateset
        };
        Set<String> names = new LinkedHashSet<>();
        suffixes.forEach(suffix -> names.add(family + suffix));
        return names;
    }

    /** Label matchers from {@code {} to its {@code }}: adds the name of a {@code __name__="x"} matcher. */
    private static int matchers(String promql, int open, Set<String> names) {
        int i = open + 1;
        String label = null;
        String operator = "";
        while (i < promql.length() && promql.charAt(i) != '}') {
            char c = promql.charAt(i);
            if (c == '"' || c == '\'' || c == '`') {
                int end = skipQuoted(promql, i);
                if ("__name__".equals(label) && operator.equals("=")) {
                    names.add(promql.substring(i + 1, end - 1));
                }
                label = null;
                operator = "";
                i = end;
            } else if (identifierStart(c)) {
                int start = i;
                while (i < promql.length() && identifierPart(promql.charAt(i))) {
                    i++;
                }
                label = promql.substring(start, i);
                operator = "";
            } else {
                if (c == '=' || c == '!' || c == '~') {
                    operator += c;
                }
                i++;
            }
        }
        return Math.min(i + 1, promql.length());
    }

    private static int skipQuoted(String text, int open) {
        char quote = text.charAt(open);
        int i = open + 1;
        while (i < text.length() && text.charAt(i) != quote) {
            i += (text.charAt(i) == '\\' && quote != '`') ? 2 : 1;
        }
        return Math.min(i + 1, text.length());
    }

    /** From an opening bracket past its closing one, strings inside included. */
    private static int skipTo(String text, int open, char close) {
        int i = open + 1;
        while (i < text.length() && text.charAt(i) != close) {
            char c = text.charAt(i);
            i = (c == '"' || c == '\'' || c == '`') && close != '\n' ? skipQuoted(text, i) : i + 1;
        }
        return Math.min(i + 1, text.length());
    }

    private static int skipVariable(String text, int dollar) {
        int i = dollar + 1;
        if (i < text.length() && text.charAt(i) == '{') {
            return skipTo(text, i, '}');
        }
        while (i < text.length() && identifierPart(text.charAt(i))) {
            i++;
        }
        return i;
    }

    private static boolean identifierStart(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':';
    }

    private static boolean identifierPart(char c) {
        return identifierStart(c) || (c >= '0' && c <= '9');
    }

    private static int skipSpace(CharSequence text, int from) {
        int i = from;
        while (i < text.length() && Character.isWhitespace(text.charAt(i))) {
            i++;
        }
        return i;
    }

    /** A JSON string starting at {@code at[0]} (its opening quote), decoded; {@code at[0]} ends past its closing one. */
    private static String jsonString(CharSequence json, int[] at) {
        StringBuilder text = new StringBuilder();
        int i = at[0] + 1;
        while (true) {
            if (i >= json.length()) {
                throw new IllegalArgumentException("unterminated JSON string at offset " + at[0]);
            }
            char c = json.charAt(i++);
            if (c == '"') {
                break;
            }
            if (c != '\\') {
                text.append(c);
                continue;
            }
            if (i >= json.length()) {
                throw new IllegalArgumentException("unterminated JSON string at offset " + at[0]);
            }
            char escaped = json.charAt(i++);
            switch (escaped) {
                case '"', '\\', '/' -> text.append(escaped);
                case 'b' -> text.append('\b');
                case 'f' -> text.append('\f');
                case 'n' -> text.append('\n');
                case 'r' -> text.append('\r');
                case 't' -> text.append('\t');
                case 'u' -> {
                    if (i + 4 > json.length()) {
                        throw new IllegalArgumentException("bad \\u escape at offset " + (i - 2));
                    }
                    try {
                        text.append((char) Integer.parseInt(json.subSequence(i, i + 4).toString(), 16));
                    } catch (NumberFormatException e) {
                        throw new IllegalArgumentException("bad \\u escape at offset " + (i - 2), e);
                    }
                    i += 4;
                }
                default -> throw new IllegalArgumentException("bad escape \\" + escaped + " at offset " + (i - 2));
            }
        }
        at[0] = i;
        return text.toString();
    }

    private static List<Path> jsonFiles(Path dashboards) {
        if (!Files.isDirectory(dashboards)) {
            return List.of(dashboards);
        }
        try (Stream<Path> files = Files.walk(dashboards)) {
            List<Path> found = files.filter(Files::isRegularFile)
                    .filter(file -> file.getFileName().toString().endsWith(".json")).sorted().toList();
            if (found.isEmpty()) {
                throw new IllegalArgumentException("no dashboard (*.json) under " + dashboards);
            }
            return found;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
