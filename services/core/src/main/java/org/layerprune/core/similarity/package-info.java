/**
 * How much each block of consecutive layers changes the residual stream: the paper's probe, its relatives, and the
 * report they leave (contract JSON, CSV, heat map).
 */
package org.layerprune.core.similarity;
