/** Hugging Face checkpoints on disk: safetensors files, shard indexes and manifests, validated before use. */
package org.layerprune.core.checkpoint;
