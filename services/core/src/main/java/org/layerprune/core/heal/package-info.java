/**
 * Healing a pruned model: QLoRA's pieces (NF4 base weights, LoRA adapters in PEFT's layout, merging), LoRA training
 * steps on a frozen model with torch's AdamW, the paper's learning-rate schedule, packed training data with a
 * resumable cursor, the training log, and {@link org.layerprune.core.heal.Healer}, the whole resumable run that
 * ties them together (checkpoints, validation, adapter, merged checkpoint, result).
 */
package org.layerprune.core.heal;
