/**
 * Throughput of the forward pass, of probing and of LoRA training, each measured against a baseline (a plain matrix
 * product, or the forward pass) on the same engine in the same run.
 */
package org.layerprune.core.bench;
