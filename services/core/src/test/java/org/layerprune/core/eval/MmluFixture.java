package org.layerprune.core.eval;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A two-subject MMLU written by the tests, in Hendrycks' directory layout or as cais/mmlu JSON Lines.
 *
 * <p>The test split has 8 questions, 3 of them answered B: high_school_physics 5 (answers B A C B D, so 2 of 5 are
 * B) and anatomy 3 (D B A, 1 of 3). Each subject has 5 dev questions for the shots. Fields holding a comma are
 * quoted in the CSV, e.g. the physics dev question about the speed of light.
 */
final class MmluFixture {

    static final String PHYSICS = "high_school_physics";
    static final String ANATOMY = "anatomy";

    /** One row: subject, question, choices A-D, answer letter. */
    record Row(String subject, String question, List<String> choices, String answer) {

        Row(String subject, String question, String a, String b, String c, String d, String answer) {
            this(subject, question, List.of(a, b, c, d), answer);
        }
    }

    static final List<Row> PHYSICS_DEV = List.of(
            new Row(PHYSICS, "What is the unit of force?", "joule", "newton", "watt", "pascal", "B"),
            new Row(PHYSICS, "What is the unit of power?", "joule", "newton", "watt", "pascal", "C"),
            new Row(PHYSICS, "Which quantity is a vector?", "mass", "speed", "energy", "velocity", "D"),
            new Row(PHYSICS, "What is the speed of light in vacuum, roughly?", "3 km/s", "300 km/s",
                    "300,000 km/s", "3,000 km/s", "C"),
            new Row(PHYSICS, "Which law says F = m a?", "Newton's second law", "Ohm's law", "Hooke's law",
                    "Snell's law", "A"));

    static final List<Row> PHYSICS_TEST = List.of(
            new Row(PHYSICS, "What does a voltmeter measure?", "current", "potential difference", "resistance",
                    "charge", "B"),
            new Row(PHYSICS, "Which colour of visible light has the longest wavelength?", "red", "green", "blue",
                    "violet", "A"),
            new Row(PHYSICS, "A ball is dropped from rest. After 2 s, ignoring air, how fast is it falling?",
                    "2 m/s", "9.8 m/s", "19.6 m/s", "39.2 m/s", "C"),
            new Row(PHYSICS, "What is the SI unit of charge?", "ampere", "coulomb", "volt", "ohm", "B"),
            new Row(PHYSICS, "Which of these is not a form of energy, strictly speaking?", "heat", "light", "sound",
                    "temperature", "D"));

    static final List<Row> ANATOMY_DEV = List.of(
            new Row(ANATOMY, "Which organ pumps blood?", "liver", "heart", "lung", "kidney", "B"),
            new Row(ANATOMY, "How many chambers does the human heart have?", "two", "three", "four", "five", "C"),
            new Row(ANATOMY, "Which bone is the longest in the body?", "femur", "tibia", "humerus", "radius", "A"),
            new Row(ANATOMY, "Where is the tibia?", "arm", "skull", "chest", "leg", "D"),
            new Row(ANATOMY, "Which cells carry oxygen?", "red blood cells", "white blood cells", "platelets",
                    "neurons", "A"));

    static final List<Row> ANATOMY_TEST = List.of(
            new Row(ANATOMY, "Which muscle separates the chest from the abdomen?", "biceps", "deltoid", "trapezius",
                    "diaphragm", "D"),
            new Row(ANATOMY, "Which of the following, in the ear, is a bone?", "cochlea", "stapes", "pinna",
                    "tympanum", "B"),
            new Row(ANATOMY, "Where does gas exchange happen in the lungs?", "alveoli", "bronchi", "trachea",
                    "larynx", "A"));

    private MmluFixture() {
    }

    /** Writes {@code dir/dev/{subject}_dev.csv} and {@code dir/test/{subject}_test.csv}; returns {@code dir}. */
    static Path writeHendrycks(Path dir) throws IOException {
        writeCsv(dir.resolve("dev").resolve(PHYSICS + "_dev.csv"), PHYSICS_DEV);
        writeCsv(dir.resolve("dev").resolve(ANATOMY + "_dev.csv"), ANATOMY_DEV);
        writeCsv(dir.resolve("test").resolve(PHYSICS + "_test.csv"), PHYSICS_TEST);
        writeCsv(dir.resolve("test").resolve(ANATOMY + "_test.csv"), ANATOMY_TEST);
        return dir;
    }

    /** The same questions as cais/mmlu JSON Lines, subjects in file order physics then anatomy. */
    static void writeJsonl(Path test, Path dev) throws IOException {
        writeJsonl(test, concat(PHYSICS_TEST, ANATOMY_TEST));
        writeJsonl(dev, concat(PHYSICS_DEV, ANATOMY_DEV));
    }

    /** CSV lines of {@code rows}: no header, fields with a comma, quote or line break quoted. */
    static List<String> csvLines(List<Row> rows) {
        List<String> lines = new ArrayList<>();
        for (Row row : rows) {
            List<String> fields = new ArrayList<>();
            fields.add(row.question());
            fields.addAll(row.choices());
            fields.add(row.answer());
            lines.add(fields.stream().map(MmluFixture::csvField).collect(Collectors.joining(",")));
        }
        return lines;
    }

    private static void writeCsv(Path file, List<Row> rows) throws IOException {
        EvalTestFiles.write(file, csvLines(rows).toArray(String[]::new));
    }

    private static void writeJsonl(Path file, List<Row> rows) throws IOException {
        ObjectMapper json = new ObjectMapper();
        List<String> lines = new ArrayList<>();
        for (Row row : rows) {
            ObjectNode o = json.createObjectNode();
            o.put("subject", row.subject());
            o.put("question", row.question());
            row.choices().forEach(o.putArray("choices")::add);
            o.put("answer", MmluQuestion.LETTERS.indexOf(row.answer()));
            lines.add(json.writeValueAsString(o));
        }
        EvalTestFiles.write(file, lines.toArray(String[]::new));
    }

    private static String csvField(String field) {
        boolean quote = field.contains(",") || field.contains("\"") || field.contains("\n");
        return quote ? "\"" + field.replace("\"", "\"\"") + "\"" : field;
    }

    private static List<Row> concat(List<Row> a, List<Row> b) {
        List<Row> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }
}
