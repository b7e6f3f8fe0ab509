/** The heal stage: variants.pruned to heal.progress and variants.healed, a thin adapter over core's Healer. */
package org.layerprune.heal;
