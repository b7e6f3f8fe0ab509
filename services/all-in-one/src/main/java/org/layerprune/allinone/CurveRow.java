package org.layerprune.allinone;

import java.util.OptionalInt;

/**
 * One point of the pruning curve: what is left of the model after removing {@code n} of its layers.
 *
 * @param n layers removed; 0 is the unpruned baseline
 * @param fraction n / L, the fraction of layers dropped
 * @param lStar the first removed layer, l*(n); empty for the baseline
 * @param pruned the score of the pruned variant (the baseline's for n = 0); NaN while not evaluated
 * @param healed the score of the healed variant (the baseline's for n = 0: nothing to heal); NaN while not evaluated
 */
record CurveRow(int n, double fraction, OptionalInt lStar, double pruned, double healed) {
}
