package org.layerprune.core.similarity;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.Paint;
import java.awt.RenderingHints;
import java.awt.Shape;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.DecimalFormat;
import java.text.DecimalFormatSymbols;
import java.util.Locale;
import javax.imageio.ImageIO;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.LegendItemSource;
import org.jfree.chart.axis.AxisLocation;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.NumberTickUnit;
import org.jfree.chart.block.BlockBorder;
import org.jfree.chart.plot.DatasetRenderingOrder;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.PaintScale;
import org.jfree.chart.renderer.xy.XYBlockRenderer;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.title.LegendTitle;
import org.jfree.chart.title.PaintScaleLegend;
import org.jfree.chart.title.TextTitle;
import org.jfree.chart.ui.RectangleAnchor;
import org.jfree.chart.ui.RectangleEdge;
import org.jfree.chart.ui.RectangleInsets;
import org.jfree.data.xy.DefaultXYDataset;
import org.jfree.data.xy.DefaultXYZDataset;
import org.jfree.svg.SVGGraphics2D;
import org.jfree.svg.SVGHints;

/**
 * The paper's heat map of a {@link ProbeResult} (Gromov et al. 2024, figures 2 and 3): one cell per block, start
 * layer l across, block size n up (n = 1 at the bottom), each row min-max normalised so that every block size
 * spans the whole colour scale, and l*(n), each row's minimum, traced across the rows.
 *
 * <p>Rendering is off-screen; the class sets {@code java.awt.headless=true} unless the caller chose already.
 */
public final class HeatMap {

    // First, before any AWT class loads: the native AWT library picks headless or X11 when it is loaded.
    static {
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");
        }
    }

    /** The report's names for the two renderings. */
    public static final String PNG_FILE_NAME = "heatmap.png";
    public static final String SVG_FILE_NAME = "heatmap.svg";

    /** Default size in pixels (PNG) or user units (SVG). */
    public static final int DEFAULT_WIDTH = 900;
    public static final int DEFAULT_HEIGHT = 760;

    /** The SVG id of the l* trace's line, so tools (and tests) can find it. */
    public static final String TRACE_ID = "l-star-trace";

    static final String X_LABEL = "start layer l";
    static final String Y_LABEL = "block size n";
    static final String SCALE_LABEL = "normalised distance";
    static final String TRACE_LABEL = "l*(n): the start with the smallest distance";

    /** Red reads against every colour of viridis; the white rim keeps the markers apart on dark cells. */
    static final Color TRACE_COLOR = new Color(0xE3, 0x1A, 0x1C);

    private static final String FONT = Font.SANS_SERIF;

    private HeatMap() {
    }

    /**
     * Each row of distances mapped to [0, 1] by {@code (d - min) / (max - min)} over that row; a row whose values are
     * all equal (or that has one entry) maps to 0.
     *
     * @return {@code [n - 1][l]}, L - n + 1 values per block size n, like {@link ProbeResult#distances()}
     * @throws IllegalArgumentException naming the cell when a distance is NaN or infinite
     */
    public static double[][] rowNormalised(ProbeResult result) {
        double[][] rows = result.distances();
        for (int n = 1; n <= rows.length; n++) {
            double[] row = rows[n - 1]; // [L - n + 1]
            double min = Double.POSITIVE_INFINITY;
            double max = Double.NEGATIVE_INFINITY;
            for (int l = 0; l < row.length; l++) {
                if (!Double.isFinite(row[l])) {
                    throw new IllegalArgumentException("distance for n = " + n + ", l = " + l + " is " + row[l]
                            + "; a heat map needs finite distances");
                }
                min = Math.min(min, row[l]);
                max = Math.max(max, row[l]);
            }
            double range = max - min;
            for (int l = 0; l < row.length; l++) {
                row[l] = range > 0 ? Math.min(1, (row[l] - min) / range) : 0;
            }
        }
        return rows;
    }

    /** Writes the heat map as a {@value #DEFAULT_WIDTH} by {@value #DEFAULT_HEIGHT} PNG. */
    public static void writePng(ProbeResult result, Path file) {
        writePng(result, file, DEFAULT_WIDTH, DEFAULT_HEIGHT);
    }

    /**
     * Writes the heat map as a PNG of {@code width} by {@code height} pixels, replacing {@code file}. Not atomic;
     * {@link ProbeReport} is.
     *
     * @throws IllegalArgumentException when a distance is NaN or infinite or the size is not positive
     * @throws ProbeFileException naming the file when it cannot be written
     */
    public static void writePng(ProbeResult result, Path file, int width, int height) {
        byte[] png = png(result, width, height);
        try {
            Files.write(file, png);
        } catch (IOException e) {
            throw new ProbeFileException(file, null, "cannot write: " + e, e);
        }
    }

    /**
     * The heat map as the bytes of a PNG of {@code width} by {@code height} pixels.
     *
     * @throws IllegalArgumentException when a distance is NaN or infinite or the size is not positive
     */
    public static byte[] png(ProbeResult result, int width, int height) {
        requirePositive(width, height);
        JFreeChart chart = chart(result);
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g2 = image.createGraphics();
        try {
            chart.draw(g2, new Rectangle2D.Double(0, 0, width, height));
        } finally {
            g2.dispose();
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            if (!ImageIO.write(image, "png", out)) {
                throw new IllegalStateException("this Java runtime has no PNG writer");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot encode the heat map as PNG", e); // in memory: not expected
        }
        return out.toByteArray();
    }

    /** Writes the heat map as a {@value #DEFAULT_WIDTH} by {@value #DEFAULT_HEIGHT} SVG. */
    public static void writeSvg(ProbeResult result, Path file) {
        writeSvg(result, file, DEFAULT_WIDTH, DEFAULT_HEIGHT);
    }

    /**
     * Writes the heat map as a standalone SVG document of {@code width} by {@code height} user units, replacing
     * {@code file}. Horizontal text stays text, so the title can be searched and edited (JFreeChart draws the
     * rotated labels as glyph outlines); the same result gives the same bytes.
     * The l* trace's line is the path in the element with id {@value #TRACE_ID}. Not atomic; {@link ProbeReport} is.
     *
     * @throws IllegalArgumentException when a distance is NaN or infinite or the size is not positive
     * @throws ProbeFileException naming the file when it cannot be written
     */
    public static void writeSvg(ProbeResult result, Path file, int width, int height) {
        String svg = svg(result, width, height);
        try {
            Files.writeString(file, svg, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ProbeFileException(file, null, "cannot write: " + e, e);
        }
    }

    /**
     * The heat map as a standalone SVG document of {@code width} by {@code height} user units, as
     * {@link #writeSvg(ProbeResult, Path, int, int)} writes it.
     *
     * @throws IllegalArgumentException when a distance is NaN or infinite or the size is not positive
     */
    public static String svg(ProbeResult result, int width, int height) {
        requirePositive(width, height);
        JFreeChart chart = chart(result);
        SVGGraphics2D g2 = new SVGGraphics2D(width, height);
        g2.setDefsKeyPrefix("heatmap-"); // clip ids; the default is a timestamp, which would make reruns differ
        chart.draw(g2, new Rectangle2D.Double(0, 0, width, height));
        // no DOCTYPE: getSVGDocument's points at the SVG 1.0 DTD on w3.org, which XML tools then try to fetch
        return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" + g2.getSVGElement() + "\n";
    }

    /** The chart both writers draw: cells, then the l* trace on top, the colour legend on the right. */
    static JFreeChart chart(ProbeResult result) {
        int layers = result.layers();
        double[][] normalised = rowNormalised(result);

        // cells: x = l, y = n, z = normalised distance, one per block
        int cells = (layers - 1) * (layers + 2) / 2;
        double[][] xyz = new double[3][cells]; // [x, y, z][cell]
        int cell = 0;
        for (int n = 1; n < layers; n++) {
            for (int l = 0; l <= layers - n; l++, cell++) {
                xyz[0][cell] = l;
                xyz[1][cell] = n;
                xyz[2][cell] = normalised[n - 1][l];
            }
        }
        DefaultXYZDataset blocks = new DefaultXYZDataset();
        blocks.addSeries("normalised distance", xyz);

        // the trace: (l*(n), n) for n = 1..L-1
        double[][] trace = new double[2][layers - 1]; // [x, y][n - 1]
        for (int n = 1; n < layers; n++) {
            trace[0][n - 1] = result.best(n);
            trace[1][n - 1] = n;
        }
        DefaultXYDataset traceData = new DefaultXYDataset();
        traceData.addSeries(TRACE_LABEL, trace);

        XYBlockRenderer cellRenderer = new XYBlockRenderer();
        cellRenderer.setBlockAnchor(RectangleAnchor.CENTER);
        cellRenderer.setPaintScale(Viridis.INSTANCE);
        XYLineAndShapeRenderer traceRenderer = traceRenderer(layers);

        NumberAxis x = axis(X_LABEL, -0.5, layers - 0.5);
        NumberAxis y = axis(Y_LABEL, 0.5, layers - 0.5);
        XYPlot plot = new XYPlot(blocks, x, y, cellRenderer);
        plot.setDataset(1, traceData);
        plot.setRenderer(1, traceRenderer);
        plot.setDatasetRenderingOrder(DatasetRenderingOrder.FORWARD); // the trace over the cells
        plot.setBackgroundPaint(Color.WHITE);
        plot.setOutlinePaint(Color.GRAY);
        plot.setDomainGridlinesVisible(false);
        plot.setRangeGridlinesVisible(false);
        plot.setAxisOffset(new RectangleInsets(2, 2, 2, 2));

        JFreeChart chart = new JFreeChart(plot);
        chart.removeLegend();
        chart.setBackgroundPaint(Color.WHITE);
        chart.setPadding(new RectangleInsets(8, 8, 8, 8));
        chart.getRenderingHints().put(RenderingHints.KEY_STROKE_CONTROL, RenderingHints.VALUE_STROKE_PURE);
        chart.setTitle(new TextTitle(result.metric(), new Font(FONT, Font.BOLD, 20)));
        TextTitle about = new TextTitle(about(result), new Font(FONT, Font.PLAIN, 13));
        about.setPaint(Color.DARK_GRAY);
        chart.addSubtitle(about);
        chart.addSubtitle(scaleLegend());
        chart.addSubtitle(traceLegend(traceRenderer));
        return chart;
    }

    /** "L = 32 layers · 256 samples · 65,536 tokens · model 0123456789ab": what was probed. */
    private static String about(ProbeResult result) {
        String hash = result.modelHash();
        return String.format(Locale.ROOT, "L = %d layers \u00b7 %,d samples \u00b7 %,d tokens%s", result.layers(),
                result.samples(), result.tokens(),
                hash.isEmpty() ? "" : " \u00b7 model " + (hash.length() > 12 ? hash.substring(0, 12) : hash));
    }

    private static NumberAxis axis(String label, double lower, double upper) {
        NumberAxis axis = new NumberAxis(label);
        axis.setStandardTickUnits(NumberAxis.createIntegerTickUnits());
        axis.setAutoRange(false);
        axis.setRange(lower, upper);
        axis.setLabelFont(new Font(FONT, Font.PLAIN, 15));
        axis.setTickLabelFont(new Font(FONT, Font.PLAIN, 12));
        return axis;
    }

    private static XYLineAndShapeRenderer traceRenderer(int layers) {
        XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, true) {
            private static final long serialVersionUID = 1L;

            /** Names the line in SVG output: the first pass draws the whole series as one path. */
            @Override
            protected void drawFirstPassShape(Graphics2D g2, int pass, int series, int item, Shape shape) {
                if (g2 instanceof SVGGraphics2D) {
                    g2.setRenderingHint(SVGHints.KEY_ELEMENT_ID, TRACE_ID);
                }
                super.drawFirstPassShape(g2, pass, series, item, shape);
            }
        };
        renderer.setDrawSeriesLineAsPath(true);
        double radius = layers <= 16 ? 5 : layers <= 48 ? 4 : 3;
        renderer.setSeriesShape(0, new Ellipse2D.Double(-radius, -radius, 2 * radius, 2 * radius));
        renderer.setSeriesPaint(0, TRACE_COLOR);
        renderer.setSeriesStroke(0, new BasicStroke(2.5f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
        renderer.setUseOutlinePaint(true);
        renderer.setSeriesOutlinePaint(0, Color.WHITE);
        renderer.setSeriesOutlineStroke(0, new BasicStroke(1.5f));
        renderer.setDrawOutlines(true);
        return renderer;
    }

    private static PaintScaleLegend scaleLegend() {
        NumberAxis axis = new NumberAxis(SCALE_LABEL);
        axis.setRange(0, 1);
        axis.setTickUnit(new NumberTickUnit(0.2, new DecimalFormat("0.0", DecimalFormatSymbols.getInstance(
                Locale.ROOT))));
        axis.setLabelFont(new Font(FONT, Font.PLAIN, 14));
        axis.setTickLabelFont(new Font(FONT, Font.PLAIN, 12));
        PaintScaleLegend legend = new PaintScaleLegend(Viridis.INSTANCE, axis);
        legend.setPosition(RectangleEdge.RIGHT);
        legend.setAxisLocation(AxisLocation.TOP_OR_RIGHT);
        legend.setSubdivisionCount(256);
        legend.setStripWidth(16);
        legend.setStripOutlineVisible(true);
        legend.setStripOutlinePaint(Color.GRAY);
        legend.setAxisOffset(4);
        legend.setMargin(new RectangleInsets(40, 12, 40, 0));
        legend.setBackgroundPaint(Color.WHITE);
        return legend;
    }

    private static LegendTitle traceLegend(LegendItemSource traceRenderer) {
        LegendTitle legend = new LegendTitle(traceRenderer);
        legend.setPosition(RectangleEdge.BOTTOM);
        legend.setItemFont(new Font(FONT, Font.PLAIN, 13));
        legend.setFrame(BlockBorder.NONE);
        legend.setMargin(new RectangleInsets(6, 0, 0, 0));
        return legend;
    }

    private static void requirePositive(int width, int height) {
        if (width <= 0 || height <= 0) {
            throw new IllegalArgumentException("image size must be positive, not " + width + " x " + height);
        }
    }

    /**
     * Matplotlib's viridis, the sequential scale from dark purple (0, the closest block) to yellow (1): perceptually
     * uniform and legible to the colour-blind and in greyscale. Nine anchors, interpolated linearly in sRGB.
     */
    static final class Viridis implements PaintScale, Serializable {

        private static final long serialVersionUID = 1L;

        static final Viridis INSTANCE = new Viridis();

        private static final int[] ANCHORS = {
            0x440154, 0x472D7B, 0x3B528B, 0x2C728E, 0x21908C, 0x27AD81, 0x5DC863, 0xAADC32, 0xFDE725,
        };

        private Viridis() {
        }

        @Override
        public double getLowerBound() {
            return 0;
        }

        @Override
        public double getUpperBound() {
            return 1;
        }

        @Override
        public Paint getPaint(double value) {
            double t = Double.isNaN(value) ? 0 : Math.max(0, Math.min(1, value)) * (ANCHORS.length - 1);
            int i = Math.min((int) t, ANCHORS.length - 2);
            double f = t - i;
            return new Color(mix(ANCHORS[i] >> 16, ANCHORS[i + 1] >> 16, f),
                    mix(ANCHORS[i] >> 8, ANCHORS[i + 1] >> 8, f), mix(ANCHORS[i], ANCHORS[i + 1], f));
        }

        private static int mix(int from, int to, double f) {
            return (int) Math.round((from & 0xFF) * (1 - f) + (to & 0xFF) * f);
        }

        private Object readResolve() {
            return INSTANCE;
        }
    }
}
