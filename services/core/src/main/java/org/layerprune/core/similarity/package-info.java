/** How much each block of consecutive layers changes the residual stream: the paper's probe and its relatives. */
package org.layerprune.core.similarity;
