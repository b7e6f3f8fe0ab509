#!/usr/bin/env python3
"""Independent float64 numpy reference of the Hugging Face transformers forward pass
for LlamaForCausalLM, MistralForCausalLM and Qwen2ForCausalLM (eager attention, no cache).

Usage:
  python3 hf_forward.py --model DIR --ids 1,2,3 [--ids 4,5 ...] --out FILE.json [--greedy N]
                        [--skip-layers START:COUNT]

Output JSON:
  logits            [sequence][position][vocab]        (float64)
  hidden_last_token [sequence][layer 0..L][hidden]     hidden state of the LAST position;
                    layer 0 = embeddings, layer L = output of the last decoder layer
                    BEFORE the final norm (HF's hidden_states[L] is post-norm; this is not)
  greedy            [N ids]  only with --greedy N: greedy continuation of the first --ids
                    sequence (full forward recomputed per step, argmax ties -> lowest id)

--skip-layers START:COUNT runs the model with decoder layers START .. START+COUNT-1 left out
(0-based, as in model.layers.N): layer START-1 feeds layer START+COUNT directly, which is what
removing that block from the checkpoint does. Every other layer keeps its own weights and its
own attention window. hidden_last_token then has one entry per layer that ran, plus the
embeddings (L - COUNT + 1 in all). Used to check a pruned checkpoint against its source.

Deliberate difference from transformers: everything (including the RoPE tables, which HF
builds in float32, and the softmax, which HF runs in float32) is computed in float64.
Only numpy and the standard library are used; safetensors are parsed by hand.
"""
import argparse
import json
import math
import os
import sys

import numpy as np

SUPPORTED = ("llama", "mistral", "qwen2")
# Config-class defaults that apply when a key is ABSENT from config.json (LlamaConfig,
# MistralConfig, Qwen2Config). An explicit null num_key_value_heads means "= heads".
DEFAULT_KV_HEADS = {"llama": None, "mistral": 8, "qwen2": 32}
DEFAULT_SLIDING_WINDOW = {"llama": None, "mistral": 4096, "qwen2": 4096}


# ---------------------------------------------------------------- safetensors
def read_safetensors(path):
    """Parse one .safetensors file: u64-LE header length, JSON header, raw little-endian data."""
    with open(path, "rb") as f:
        blob = f.read()
    n = int.from_bytes(blob[:8], "little")
    header = json.loads(blob[8:8 + n].decode("utf-8"))
    base = 8 + n
    out = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        start, end = info["data_offsets"]
        raw, dt, shape = blob[base + start:base + end], info["dtype"], info["shape"]
        if dt == "F32":
            a = np.frombuffer(raw, dtype="<f4")
        elif dt == "F16":
            a = np.frombuffer(raw, dtype="<f2")
        elif dt == "F64":
            a = np.frombuffer(raw, dtype="<f8")
        elif dt == "BF16":  # bfloat16 = top 16 bits of a float32
            a = (np.frombuffer(raw, dtype="<u2").astype(np.uint32) << 16).view(np.float32)
        else:
            sys.exit(f"unsupported safetensors dtype {dt} for tensor {name}")
        out[name] = a.astype(np.float64).reshape(shape)
    return out


def load_weights(model_dir):
    """Single model.safetensors, or shards listed in model.safetensors.index.json."""
    index = os.path.join(model_dir, "model.safetensors.index.json")
    if os.path.exists(index):
        with open(index) as f:
            shards = sorted(set(json.load(f)["weight_map"].values()))
    else:
        shards = ["model.safetensors"]
    weights = {}
    for s in shards:
        weights.update(read_safetensors(os.path.join(model_dir, s)))
    return weights


# ---------------------------------------------------------------- config
class Config:
    def __init__(self, d):
        self.model_type = d.get("model_type")
        if self.model_type not in SUPPORTED:
            sys.exit(f"unsupported model_type {self.model_type!r} (supported: {', '.join(SUPPORTED)})")
        if d.get("hidden_act", "silu") != "silu":
            sys.exit(f"unsupported hidden_act {d['hidden_act']!r} (only silu)")
        self.hidden = d["hidden_size"]
        self.inter = d["intermediate_size"]
        self.layers = d["num_hidden_layers"]
        self.heads = d["num_attention_heads"]
        self.kv_heads = d.get("num_key_value_heads", DEFAULT_KV_HEADS[self.model_type]) or self.heads
        self.head_dim = d.get("head_dim") or self.hidden // self.heads
        self.eps = d.get("rms_norm_eps", 1e-6)
        self.tie = d.get("tie_word_embeddings", False)  # Llama/Mistral/Qwen2 configs: False
        # rope_scaling (transformers 4.x) or rope_parameters (5.x); "type" is the legacy key.
        rope = d.get("rope_scaling") or d.get("rope_parameters") or {}
        self.rope = dict(rope)
        self.rope_type = rope.get("rope_type", rope.get("type", "default"))
        self.rope_theta = d.get("rope_theta", rope.get("rope_theta", 10000.0))
        if d.get("partial_rotary_factor", 1.0) != 1.0:
            sys.exit("partial_rotary_factor != 1 is not supported")
        # Biases: Llama q/k/v/o follow attention_bias, MLP follows mlp_bias;
        # Qwen2 always q/k/v bias, never o/MLP bias; Mistral none.
        lt = self.model_type
        self.qkv_bias = lt == "qwen2" or (lt == "llama" and d.get("attention_bias", False))
        self.o_bias = lt == "llama" and d.get("attention_bias", False)
        self.mlp_bias = lt == "llama" and d.get("mlp_bias", False)
        # Sliding window (per-layer window size or None):
        #  mistral: every layer when sliding_window is set (MistralModel.forward picks
        #           create_sliding_window_causal_mask);
        #  qwen2:   Qwen2Config sets sliding_window=None unless use_sliding_window, then
        #           layer_types = sliding for i >= max_window_layers (or explicit layer_types);
        #  llama:   never.
        sw = d.get("sliding_window", DEFAULT_SLIDING_WINDOW[lt])
        if lt == "mistral":
            self.windows = [sw] * self.layers
        elif lt == "qwen2":
            sw = sw if d.get("use_sliding_window", False) else None
            types = d.get("layer_types") or [
                "sliding_attention" if sw is not None and i >= d.get("max_window_layers", 28)
                else "full_attention" for i in range(self.layers)]
            self.windows = [sw if t == "sliding_attention" else None for t in types]
        else:
            self.windows = [None] * self.layers


# ---------------------------------------------------------------- RoPE (modeling_rope_utils.py)
def rope_inv_freq(cfg):
    """_compute_default_rope_parameters / _compute_linear_scaling_rope_parameters /
    _compute_llama3_parameters. attention_factor is 1.0 for all three."""
    dim = cfg.head_dim
    inv_freq = 1.0 / (cfg.rope_theta ** (np.arange(0, dim, 2, dtype=np.int64).astype(np.float64) / dim))
    rt, r = cfg.rope_type, cfg.rope
    if rt == "default":
        return inv_freq
    if rt == "linear":
        return inv_freq / r["factor"]
    if rt == "llama3":  # _compute_llama3_parameters
        factor, low, high = r["factor"], r["low_freq_factor"], r["high_freq_factor"]
        old_ctx = r["original_max_position_embeddings"]
        low_freq_wavelen, high_freq_wavelen = old_ctx / low, old_ctx / high
        wavelen = 2 * math.pi / inv_freq
        inv_freq_llama = np.where(wavelen > low_freq_wavelen, inv_freq / factor, inv_freq)
        smooth = (old_ctx / wavelen - low) / (high - low)
        smoothed = (1 - smooth) * inv_freq_llama / factor + smooth * inv_freq_llama
        is_medium = ~(wavelen < high_freq_wavelen) & ~(wavelen > low_freq_wavelen)
        return np.where(is_medium, smoothed, inv_freq_llama)
    sys.exit(f"unsupported rope type {rt!r} (supported: default, linear, llama3)")


def rope_cos_sin(inv_freq, seq_len):
    """LlamaRotaryEmbedding.forward: freqs = pos x inv_freq, emb = cat(freqs, freqs)."""
    freqs = np.outer(np.arange(seq_len, dtype=np.float64), inv_freq)
    emb = np.concatenate([freqs, freqs], axis=-1)
    return np.cos(emb), np.sin(emb)


def rotate_half(x):
    """rotate_half: cat(-x2, x1) over the last dim."""
    h = x.shape[-1] // 2
    return np.concatenate([-x[..., h:], x[..., :h]], axis=-1)


def apply_rotary_pos_emb(q, k, cos, sin):
    """apply_rotary_pos_emb: q*cos + rotate_half(q)*sin (cos/sin broadcast over heads)."""
    return q * cos + rotate_half(q) * sin, k * cos + rotate_half(k) * sin


# ---------------------------------------------------------------- model
def linear(x, w, b=None):
    """nn.Linear: x @ W^T + b."""
    y = x @ w.T
    return y if b is None else y + b


def rms_norm(x, w, eps):
    """LlamaRMSNorm: w * x / sqrt(mean(x^2) + eps)."""
    return w * (x / np.sqrt(np.mean(x * x, axis=-1, keepdims=True) + eps))


def repeat_kv(x, n_rep):
    """repeat_kv: (kv_heads, S, D) -> (kv_heads * n_rep, S, D), each kv head repeated n_rep times."""
    return x if n_rep == 1 else np.repeat(x, n_rep, axis=0)


def silu(x):
    return x / (1.0 + np.exp(-x))


class Model:
    def __init__(self, model_dir):
        with open(os.path.join(model_dir, "config.json")) as f:
            self.cfg = Config(json.load(f))
        self.w = load_weights(model_dir)
        self.inv_freq = rope_inv_freq(self.cfg)
        # Tied: transformers' tie_weights() makes lm_head share embed_tokens (a stored
        # lm_head.weight is then ignored); untied: lm_head.weight must exist.
        if self.cfg.tie or "lm_head.weight" not in self.w:
            if not self.cfg.tie:
                sys.exit("lm_head.weight missing and tie_word_embeddings is false")
            self.lm_head = self.w["model.embed_tokens.weight"]
        else:
            self.lm_head = self.w["lm_head.weight"]

    def _get(self, name, present=True):
        return self.w[name] if present else None

    def attention(self, x, i, cos, sin):
        """LlamaAttention.forward + eager_attention_forward."""
        c, p = self.cfg, f"model.layers.{i}.self_attn."
        S, H, KV, D = x.shape[0], c.heads, c.kv_heads, c.head_dim
        q = linear(x, self.w[p + "q_proj.weight"], self._get(p + "q_proj.bias", c.qkv_bias))
        k = linear(x, self.w[p + "k_proj.weight"], self._get(p + "k_proj.bias", c.qkv_bias))
        v = linear(x, self.w[p + "v_proj.weight"], self._get(p + "v_proj.bias", c.qkv_bias))
        q = q.reshape(S, H, D).transpose(1, 0, 2)  # (H, S, D)
        k = k.reshape(S, KV, D).transpose(1, 0, 2)
        v = v.reshape(S, KV, D).transpose(1, 0, 2)
        q, k = apply_rotary_pos_emb(q, k, cos, sin)
        k, v = repeat_kv(k, H // KV), repeat_kv(v, H // KV)
        scores = (q @ k.transpose(0, 2, 1)) * D ** -0.5  # (H, S, S)
        qi, ki = np.arange(S)[:, None], np.arange(S)[None, :]
        allowed = ki <= qi  # causal_mask_function
        if c.windows[i] is not None:  # sliding_window_overlay: kv_idx > q_idx - window
            allowed &= ki > qi - c.windows[i]
        scores = np.where(allowed, scores, -np.inf)
        scores -= scores.max(axis=-1, keepdims=True)
        probs = np.exp(scores)
        probs /= probs.sum(axis=-1, keepdims=True)
        out = (probs @ v).transpose(1, 0, 2).reshape(S, H * D)
        return linear(out, self.w[p + "o_proj.weight"], self._get(p + "o_proj.bias", c.o_bias))

    def mlp(self, x, i):
        """LlamaMLP: down(silu(gate(x)) * up(x))."""
        p, b = f"model.layers.{i}.mlp.", self.cfg.mlp_bias
        g = linear(x, self.w[p + "gate_proj.weight"], self._get(p + "gate_proj.bias", b))
        u = linear(x, self.w[p + "up_proj.weight"], self._get(p + "up_proj.bias", b))
        return linear(silu(g) * u, self.w[p + "down_proj.weight"], self._get(p + "down_proj.bias", b))

    def forward(self, ids, skip=range(0)):
        """Returns (logits (S, V), hidden states list [x^(0) .. x^(L)], each (S, hidden)).
        Layers in skip are left out: their input goes on to the next layer unchanged."""
        c = self.cfg
        emb = self.w["model.embed_tokens.weight"]
        if min(ids) < 0 or max(ids) >= emb.shape[0]:
            sys.exit(f"token id out of range [0, {emb.shape[0]})")
        x = emb[np.asarray(ids)]
        cos, sin = rope_cos_sin(self.inv_freq, len(ids))
        hidden = [x]
        for i in range(c.layers):  # LlamaDecoderLayer.forward
            if i in skip:
                continue
            p = f"model.layers.{i}."
            x = x + self.attention(rms_norm(x, self.w[p + "input_layernorm.weight"], c.eps), i, cos, sin)
            x = x + self.mlp(rms_norm(x, self.w[p + "post_attention_layernorm.weight"], c.eps), i)
            hidden.append(x)
        x = rms_norm(x, self.w["model.norm.weight"], c.eps)
        return linear(x, self.lm_head), hidden


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", required=True, help="Hugging Face checkpoint directory")
    ap.add_argument("--ids", action="append", required=True, help="comma-separated token ids (repeatable)")
    ap.add_argument("--out", required=True, help="output JSON file")
    ap.add_argument("--greedy", type=int, default=None, help="greedy steps from the first --ids")
    ap.add_argument("--skip-layers", default=None, metavar="START:COUNT",
                    help="leave decoder layers START..START+COUNT-1 out of the forward pass")
    args = ap.parse_args()

    model = Model(args.model)
    skip = range(0)
    if args.skip_layers is not None:
        try:
            start, count = (int(v) for v in args.skip_layers.split(":"))
        except ValueError:
            sys.exit(f"--skip-layers must be START:COUNT, got {args.skip_layers!r}")
        if start < 0 or count < 1 or start + count > model.cfg.layers or count >= model.cfg.layers:
            sys.exit(f"--skip-layers {start}:{count} does not fit {model.cfg.layers} layers "
                     f"(0 <= START, 1 <= COUNT < L, START + COUNT <= L)")
        skip = range(start, start + count)
    seqs = [[int(t) for t in s.split(",") if t.strip()] for s in args.ids]
    if any(not s for s in seqs):
        sys.exit("empty --ids sequence")
    result = {"logits": [], "hidden_last_token": []}
    for s in seqs:
        logits, hidden = model.forward(s, skip)
        result["logits"].append(logits.tolist())
        result["hidden_last_token"].append([h[-1].tolist() for h in hidden])
    if args.greedy is not None:
        ids, gen = list(seqs[0]), []
        for _ in range(args.greedy):
            nxt = int(np.argmax(model.forward(ids, skip)[0][-1]))  # first maximum = lowest id
            ids.append(nxt)
            gen.append(nxt)
        result["greedy"] = gen
    with open(args.out, "w") as f:
        json.dump(result, f)


if __name__ == "__main__":
    main()
