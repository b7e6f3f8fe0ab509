/** Turns text into the token ids a checkpoint was trained on, offline, from its tokenizer.json. */
package org.layerprune.core.tokenizer;
