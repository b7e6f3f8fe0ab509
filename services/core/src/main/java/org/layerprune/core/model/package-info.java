/** The Llama-family decoder (Llama 1/2/3, Mistral, Qwen2) as DJL NDArray ops, read from Hugging Face checkpoints. */
package org.layerprune.core.model;
