/** Choosing a block of layers to remove and cutting it out of a Hugging Face checkpoint. */
package org.layerprune.core.prune;
