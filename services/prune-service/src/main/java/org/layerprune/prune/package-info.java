/** The prune stage: similarity.probed to variants.pruned, a thin adapter over core's LayerPruner. */
package org.layerprune.prune;
