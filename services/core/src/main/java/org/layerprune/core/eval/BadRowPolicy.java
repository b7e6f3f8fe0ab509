package org.layerprune.core.eval;

/** What to do with a malformed row of an evaluation file. */
public enum BadRowPolicy {
    /** Stop at the first one, naming its file and line. */
    STOP,
    /** Leave it out, count it and report it with its file and line. */
    SKIP
}
