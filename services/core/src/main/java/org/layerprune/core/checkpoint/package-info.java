/** Hugging Face checkpoints on disk: safetensors files, shard indexes and manifests, read and written only after validation. */
package org.layerprune.core.checkpoint;
