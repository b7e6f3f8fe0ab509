/** The eval stage: variants.pruned and variants.healed to variants.evaluated, a thin adapter over core's Evaluation. */
package org.layerprune.eval;
