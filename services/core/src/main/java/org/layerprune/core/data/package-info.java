/** Streams token-id sequences for calibration and evaluation from JSON Lines files. */
package org.layerprune.core.data;
