package org.layerprune.cli;

import java.util.Arrays;

/** Parses token ids given on the command line as "1,2,3". */
final class Ids {

    private Ids() {
    }

    static int[] parse(String option, String text) {
        try {
            int[] ids = Arrays.stream(text.split(",")).map(String::trim).mapToInt(Integer::parseInt).toArray();
            if (ids.length == 0) {
                throw new IllegalArgumentException(option + ": no token ids given");
            }
            return ids;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + ": expected comma-separated token ids, got \"" + text + "\"");
        }
    }
}
