/** Healing a pruned model: QLoRA finetuning (NF4 base weights, LoRA adapters) and its outputs. */
package org.layerprune.core.heal;
