/** Throughput of the forward pass, measured against a plain matrix product on the same engine in the same run. */
package org.layerprune.core.bench;
