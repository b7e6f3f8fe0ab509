/**
 * What every stage service shares: the artifact root and where each stage's outputs lie under it, once-only outputs,
 * failures as {@code stage.failed} events, stage metrics, and outgoing records with their key and CloudEvents headers.
 */
package org.layerprune.stage;
