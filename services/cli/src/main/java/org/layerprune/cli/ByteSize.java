package org.layerprune.cli;

import java.util.Locale;

/** Sizes as transformers writes them ("5GB" is 5 * 10^9 bytes, "2GiB" is 2 * 2^30) or plain byte counts. */
final class ByteSize {

    private ByteSize() {
    }

    static long parse(String option, String text) {
        String t = text.trim().toUpperCase(Locale.ROOT);
        String[][] units = {{"KIB", "1024"}, {"MIB", "1048576"}, {"GIB", "1073741824"},
                {"KB", "1000"}, {"MB", "1000000"}, {"GB", "1000000000"}, {"B", "1"}};
        long multiplier = 1;
        for (String[] unit : units) {
            if (t.endsWith(unit[0])) {
                multiplier = Long.parseLong(unit[1]);
                t = t.substring(0, t.length() - unit[0].length()).trim();
                break;
            }
        }
        try {
            long value = Long.parseLong(t) * multiplier;
            if (value <= 0) {
                throw new NumberFormatException();
            }
            return value;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + ": expected a positive size such as 500MB, got \"" + text + "\"");
        }
    }
}
