package org.layerprune.core.similarity;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import javax.imageio.ImageIO;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

class HeatMapTest {

    @TempDir Path dir;

    @Test
    void rowNormalisedMapsEachRowsMinimumToZeroAndMaximumToOne() {
        double[][] rows = HeatMap.rowNormalised(SyntheticProbes.fiveLayers());
        assertArrayEquals(new double[] {(0.41 - 0.13) / (0.52 - 0.13), (0.22 - 0.13) / (0.52 - 0.13), 0,
            (0.17 - 0.13) / (0.52 - 0.13), 1}, rows[0], 1e-15);
        assertArrayEquals(new double[] {(0.50 - 0.29) / (0.60 - 0.29), (0.31 - 0.29) / (0.60 - 0.29), 0, 1}, rows[1],
                1e-15);
        assertArrayEquals(new double[] {(0.58 - 0.44) / (0.66 - 0.44), 0, 1}, rows[2], 1e-15);
    }

    @Test
    void rowNormalisedMapsAnAllEqualRowToZero() {
        double[][] rows = HeatMap.rowNormalised(SyntheticProbes.fiveLayers());
        assertArrayEquals(new double[] {0, 0}, rows[3]); // n = 4: 0.70, 0.70

        ProbeResult flat = new ProbeResult("m", 3, 1, 1, new double[][] {{0.2, 0.2, 0.2}, {5, 5}}, "h");
        assertArrayEquals(new double[][] {{0, 0, 0}, {0, 0}}, HeatMap.rowNormalised(flat));
    }

    @Test
    void rowNormalisedKeepsTheTriangleAndTheBestCell() {
        ProbeResult result = SyntheticProbes.paperLike(32);
        double[][] rows = HeatMap.rowNormalised(result);
        assertEquals(31, rows.length);
        for (int n = 1; n < 32; n++) {
            assertEquals(32 - n + 1, rows[n - 1].length);
            assertEquals(0.0, rows[n - 1][result.best(n)]);
            for (double v : rows[n - 1]) {
                assertTrue(v >= 0 && v <= 1, "n = " + n + ": " + v);
            }
        }
    }

    @Test
    void rejectsNonFiniteDistances() {
        double[][] distances = SyntheticProbes.fiveLayers().distances();
        distances[1][3] = Double.POSITIVE_INFINITY;
        ProbeResult result = new ProbeResult("m", 5, 1, 1, distances, "h");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> HeatMap.writePng(result, dir.resolve("x.png")));
        assertTrue(e.getMessage().contains("n = 2, l = 3"), e.getMessage());
    }

    @Test
    void writesAPngOfTheRequestedSizeInManyColoursWithTheTrace() throws IOException {
        Path file = dir.resolve(HeatMap.PNG_FILE_NAME);
        HeatMap.writePng(SyntheticProbes.paperLike(12), file, 640, 480);
        BufferedImage image = ImageIO.read(file.toFile());
        assertNotNull(image, "not a readable image");
        assertEquals(640, image.getWidth());
        assertEquals(480, image.getHeight());
        Set<Integer> colours = new HashSet<>();
        int traceRed = 0;
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                int rgb = image.getRGB(x, y) & 0xFFFFFF;
                colours.add(rgb);
                traceRed += rgb == (HeatMap.TRACE_COLOR.getRGB() & 0xFFFFFF) ? 1 : 0;
            }
        }
        assertTrue(colours.size() > 50, colours.size() + " colours");
        assertTrue(traceRed > 100, traceRed + " pixels of the trace's red");
    }

    @Test
    void writesAnSvgWithTheTitleTheLabelsAndOnePathForTheTrace() throws Exception {
        ProbeResult result = SyntheticProbes.paperLike(12);
        Path file = dir.resolve(HeatMap.SVG_FILE_NAME);
        HeatMap.writeSvg(result, file);
        Document svg = parseXml(file);

        assertEquals("svg", svg.getDocumentElement().getLocalName());
        List<String> texts = texts(svg);
        // JFreeChart draws rotated labels (block size n, normalised distance) as glyph outlines, the rest as text
        for (String label : List.of("angular-last-token", HeatMap.X_LABEL, HeatMap.TRACE_LABEL)) {
            assertTrue(texts.contains(label), label + " not among " + texts);
        }

        List<Element> trace = new ArrayList<>();
        NodeList all = svg.getElementsByTagNameNS("*", "*");
        for (int i = 0; i < all.getLength(); i++) {
            Element e = (Element) all.item(i);
            if (HeatMap.TRACE_ID.equals(e.getAttribute("id"))) {
                trace.add(e);
            }
        }
        assertEquals(1, trace.size(), "elements with id " + HeatMap.TRACE_ID);
        // JFreeSVG puts the id on a group around the path that carries the stroke
        List<Element> paths = descendantsOrSelf(trace.get(0), "path");
        assertEquals(1, paths.size(), "paths in the trace");
        String d = paths.get(0).getAttribute("d");
        // one vertex per block size n = 1..L-1: a move, then L - 2 lines
        assertEquals(1, d.chars().filter(c -> c == 'M').count(), d);
        assertEquals(result.layers() - 2, d.chars().filter(c -> c == 'L').count(), d);
    }

    @Test
    void writesTheSameSvgBytesForTheSameResult() throws IOException {
        HeatMap.writeSvg(SyntheticProbes.fiveLayers(), dir.resolve("a.svg"));
        HeatMap.writeSvg(SyntheticProbes.fiveLayers(), dir.resolve("b.svg"));
        assertEquals(Files.readString(dir.resolve("a.svg")), Files.readString(dir.resolve("b.svg")));
    }

    @Test
    void escapesAMetricNameThatLooksLikeMarkup() throws Exception {
        ProbeResult result = new ProbeResult("<angular & \"co\">", 3, 1, 1, new double[][] {{1, 2, 3}, {1, 2}}, "");
        Path file = dir.resolve("odd.svg");
        HeatMap.writeSvg(result, file);
        assertTrue(texts(parseXml(file)).contains("<angular & \"co\">"));
    }

    @Test
    void rendersAThirtyTwoLayerModelAndKeepsASampleToLookAt() throws Exception {
        // a human can open target/probe-report-sample/heatmap.png after the build
        Path sample = Path.of(System.getProperty("basedir", "."), "target", "probe-report-sample");
        ProbeReport.write(SyntheticProbes.paperLike(32), sample);
        BufferedImage image = ImageIO.read(sample.resolve(HeatMap.PNG_FILE_NAME).toFile());
        assertEquals(HeatMap.DEFAULT_WIDTH, image.getWidth());
        assertEquals(HeatMap.DEFAULT_HEIGHT, image.getHeight());
        assertTrue(texts(parseXml(sample.resolve(HeatMap.SVG_FILE_NAME))).contains("angular-last-token"));
    }

    private static Document parseXml(Path file) throws Exception {
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setNamespaceAware(true);
        factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        return factory.newDocumentBuilder().parse(Files.newInputStream(file));
    }

    private static List<Element> descendantsOrSelf(Element root, String localName) {
        List<Element> found = new ArrayList<>();
        if (localName.equals(root.getLocalName())) {
            found.add(root);
        }
        NodeList nodes = root.getElementsByTagNameNS("*", localName);
        for (int i = 0; i < nodes.getLength(); i++) {
            found.add((Element) nodes.item(i));
        }
        return found;
    }

    private static List<String> texts(Document svg) {
        NodeList nodes = svg.getElementsByTagNameNS("*", "text");
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < nodes.getLength(); i++) {
            texts.add(nodes.item(i).getTextContent());
        }
        return texts;
    }
}
