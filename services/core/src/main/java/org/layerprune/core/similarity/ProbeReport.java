package org.layerprune.core.similarity;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * A probe's outputs in one directory: {@code probe.json} (the contract, {@link ProbeJson}), {@code probe.csv}
 * ({@link ProbeCsv}), and the heat map as {@code heatmap.png} and {@code heatmap.svg} ({@link HeatMap}).
 *
 * <p>Each file is written to a hidden temporary file in the same directory and then renamed onto its name, so a
 * reader sees either the old file or the whole new one, never half of one. The four files are replaced one by one,
 * not as a set.
 */
public final class ProbeReport {

    private static final SecureRandom RANDOM = new SecureRandom();

    /** File name to writer, in the order they are written: the contract first. */
    private static final Map<String, BiConsumer<ProbeResult, Path>> FILES = new LinkedHashMap<>();

    static {
        FILES.put(ProbeJson.FILE_NAME, ProbeJson::write);
        FILES.put(ProbeCsv.FILE_NAME, ProbeCsv::write);
        FILES.put(HeatMap.PNG_FILE_NAME, HeatMap::writePng);
        FILES.put(HeatMap.SVG_FILE_NAME, HeatMap::writeSvg);
    }

    private ProbeReport() {
    }

    /**
     * Writes the four files into {@code dir}, creating it and its parents, replacing files of the same names.
     *
     * @return the files written, in order
     * @throws IllegalArgumentException when a distance is NaN or infinite; nothing is written then
     * @throws ProbeFileException naming the directory or file that cannot be written; no temporary file is left
     */
    public static List<Path> write(ProbeResult result, Path dir) {
        ProbeJson.toJson(result); // refuses non-finite distances before anything touches the disk
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new ProbeFileException(dir, null, "cannot create the report directory: " + e, e);
        }
        List<Path> written = new ArrayList<>();
        FILES.forEach((name, writer) -> written.add(atomically(dir.resolve(name), temp -> writer.accept(result, temp))));
        return List.copyOf(written);
    }

    private static Path atomically(Path target, Consumer<Path> writer) {
        Path temp = target.resolveSibling("." + target.getFileName() + ".tmp-"
                + Long.toUnsignedString(RANDOM.nextLong(), 36));
        try {
            writer.accept(temp);
            move(temp, target);
            return target;
        } catch (RuntimeException | Error e) {
            try {
                Files.deleteIfExists(temp);
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    private static void move(Path temp, Path target) {
        try {
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            throw new ProbeFileException(target, null, "the file system cannot rename atomically: " + e, e);
        } catch (IOException e) {
            throw new ProbeFileException(target, null, "cannot move " + temp.getFileName() + " onto it: " + e, e);
        }
    }
}
