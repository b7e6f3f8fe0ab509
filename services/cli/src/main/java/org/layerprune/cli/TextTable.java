package org.layerprune.cli;

import java.util.ArrayList;
import java.util.List;

/** Columns padded to their widest cell, two spaces apart: numbers right-aligned, words left-aligned. */
final class TextTable {

    private final List<String> header;
    private final boolean[] left;
    private final List<List<String>> rows = new ArrayList<>();

    /**
     * @param header the column names
     * @param left which columns are words (left-aligned); the others are numbers
     */
    TextTable(List<String> header, boolean... left) {
        this.header = List.copyOf(header);
        this.left = new boolean[header.size()];
        System.arraycopy(left, 0, this.left, 0, Math.min(left.length, header.size()));
    }

    TextTable row(List<String> cells) {
        if (cells.size() != header.size()) {
            throw new IllegalArgumentException(cells.size() + " cells for " + header.size() + " columns: " + cells);
        }
        rows.add(List.copyOf(cells));
        return this;
    }

    /** The header line and a line per row, each ending in a newline, without trailing spaces. */
    String render() {
        int[] width = new int[header.size()];
        for (int c = 0; c < width.length; c++) {
            width[c] = header.get(c).length();
            for (List<String> row : rows) {
                width[c] = Math.max(width[c], row.get(c).length());
            }
        }
        StringBuilder text = new StringBuilder();
        line(text, header, width);
        rows.forEach(row -> line(text, row, width));
        return text.toString();
    }

    private void line(StringBuilder text, List<String> cells, int[] width) {
        StringBuilder line = new StringBuilder();
        for (int c = 0; c < cells.size(); c++) {
            String cell = cells.get(c);
            String pad = " ".repeat(width[c] - cell.length());
            line.append(c == 0 ? "" : "  ").append(left[c] ? cell + pad : pad + cell);
        }
        text.append(line.toString().stripTrailing()).append('\n');
    }
}
