package org.layerprune.core.eval;

/**
 * Why a row cannot be used, thrown while one row is parsed and caught by the reader, which hands the reason to
 * {@link BadRows}. Never leaves the package.
 */
final class RowProblem extends RuntimeException {

    private static final long serialVersionUID = 1L;

    RowProblem(String reason) {
        super(reason, null, false, false);
    }
}
