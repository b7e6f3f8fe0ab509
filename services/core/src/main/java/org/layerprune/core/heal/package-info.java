/**
 * Healing a pruned model: QLoRA's pieces (NF4 base weights, LoRA adapters in PEFT's layout, merging), LoRA training
 * steps on a frozen model, the paper's learning-rate schedule, packed training data with a resumable cursor, and the
 * training log.
 */
package org.layerprune.core.heal;
