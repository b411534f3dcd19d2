package dev.ecsa.cli;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A plain-text table with a header row and left-aligned columns two spaces apart. Null cells print as "-"; colour
 * escapes in a cell do not count towards its width.
 */
final class Table {

    private static final Pattern ESCAPE = Pattern.compile("\u001b\\[[0-9;]*m");

    private final List<String> header;
    private final List<List<String>> rows = new ArrayList<>();

    Table(String... header) {
        this.header = List.of(header);
    }

    Table row(Object... cells) {
        if (cells.length != header.size()) {
            throw new IllegalArgumentException("expected " + header.size() + " cells, got " + cells.length);
        }
        rows.add(Arrays.stream(cells).map(c -> c == null || c.toString().isEmpty() ? "-" : c.toString()).toList());
        return this;
    }

    int size() {
        return rows.size();
    }

    String render() {
        int[] widths = new int[header.size()];
        for (int i = 0; i < widths.length; i++) {
            widths[i] = header.get(i).length();
            for (List<String> row : rows) {
                widths[i] = Math.max(widths[i], visible(row.get(i)));
            }
        }
        StringBuilder out = new StringBuilder();
        line(out, header, widths);
        for (List<String> row : rows) {
            line(out, row, widths);
        }
        return out.toString();
    }

    /** The printed width: colour escapes take no column. */
    static int visible(String cell) {
        return ESCAPE.matcher(cell).replaceAll("").length();
    }

    private static void line(StringBuilder out, List<String> cells, int[] widths) {
        StringBuilder line = new StringBuilder();
        for (int i = 0; i < cells.size(); i++) {
            if (i > 0) {
                line.append("  ");
            }
            line.append(cells.get(i));
            if (i < cells.size() - 1) {
                line.append(" ".repeat(widths[i] - visible(cells.get(i))));
            }
        }
        out.append(line.toString().stripTrailing()).append('\n');
    }
}
