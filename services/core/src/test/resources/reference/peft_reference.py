"""Independent check of PEFT adapters and LoRA merges, with numpy only (no peft, no torch, no safetensors).

Parses safetensors files by hand (u64 little-endian header length, JSON header, data section), so the check also
covers the layout the Java writer produced. Modes:

  --adapter DIR --out FILE
      adapter_config.json as parsed, the weights file's __metadata__, and every tensor: dtype, shape, values as
      float64, data offsets (to check they tile the data section).
  --adapter DIR --base DIR --merged DIR --out FILE
      for every tensor of the merged checkpoint: for an adapted weight W (one with lora_A/lora_B in the adapter),
      the largest |merged - (W + lora_alpha / r * B @ A)| in units of the dtype's ulp at the exact value, computed
      in float64; for every other tensor, whether its bytes equal the base's.
"""
import argparse
import json
import os

import numpy as np

DTYPES = {"F32": np.dtype("<f4"), "F16": np.dtype("<f2"), "BF16": np.dtype("<u2"), "F64": np.dtype("<f8")}
PRECISION = {"F32": (24, -126), "F16": (11, -14), "BF16": (8, -126)}  # significand bits, smallest normal exponent


def read_safetensors(path):
    """{name: (dtype, shape, raw bytes, (begin, end))}, __metadata__, data section length."""
    with open(path, "rb") as f:
        blob = f.read()
    n = int.from_bytes(blob[:8], "little")
    header = json.loads(blob[8:8 + n].decode("utf-8"))
    data = blob[8 + n:]
    metadata = header.pop("__metadata__", {})
    tensors = {}
    for name, entry in header.items():
        begin, end = entry["data_offsets"]
        tensors[name] = (entry["dtype"], entry["shape"], data[begin:end], (begin, end))
    return tensors, metadata, len(data)


def values(dtype, shape, raw):
    """The tensor as float64."""
    array = np.frombuffer(raw, dtype=DTYPES[dtype])
    if dtype == "BF16":
        array = (array.astype(np.uint32) << 16).view(np.float32)
    return array.astype(np.float64).reshape(shape)


def checkpoint_tensors(directory):
    """Every tensor of a checkpoint, single file or sharded."""
    index = os.path.join(directory, "model.safetensors.index.json")
    single = os.path.join(directory, "model.safetensors")
    if os.path.exists(single):
        files = [single]
    else:
        with open(index) as f:
            files = sorted({os.path.join(directory, v) for v in json.load(f)["weight_map"].values()})
    tensors = {}
    for path in files:
        tensors.update(read_safetensors(path)[0])
    return tensors


def ulp(dtype, exact):
    """The spacing of the dtype's values around each exact value."""
    bits, min_exponent = PRECISION[dtype]
    with np.errstate(divide="ignore"):
        exponent = np.floor(np.log2(np.abs(exact)))
    exponent = np.maximum(np.where(np.isfinite(exponent), exponent, min_exponent), min_exponent)
    return np.exp2(exponent - (bits - 1))


def describe_adapter(adapter_dir):
    with open(os.path.join(adapter_dir, "adapter_config.json")) as f:
        config = json.load(f)
    tensors, metadata, data_length = read_safetensors(os.path.join(adapter_dir, "adapter_model.safetensors"))
    return {
        "config": config,
        "metadata": metadata,
        "data_length": data_length,
        "tensors": {
            name: {"dtype": dtype, "shape": shape, "offsets": list(offsets),
                   "values": values(dtype, shape, raw).ravel().tolist()}
            for name, (dtype, shape, raw, offsets) in tensors.items()
        },
    }


def check_merge(adapter_dir, base_dir, merged_dir):
    with open(os.path.join(adapter_dir, "adapter_config.json")) as f:
        config = json.load(f)
    scale = config["lora_alpha"] / config["r"]
    adapter, _, _ = read_safetensors(os.path.join(adapter_dir, "adapter_model.safetensors"))
    base = checkpoint_tensors(base_dir)
    merged = checkpoint_tensors(merged_dir)
    prefix = "base_model.model."
    result = {"scale": scale, "adapted": {}, "identical": {}, "names_equal": sorted(base) == sorted(merged)}
    for name, (dtype, shape, raw, _) in merged.items():
        stem = name[:-len(".weight")]
        a_key = prefix + stem + ".lora_A.weight"
        if a_key in adapter:
            a = values(*adapter[a_key][:3])
            b = values(*adapter[prefix + stem + ".lora_B.weight"][:3])
            w = values(*base[name][:3])
            exact = w + scale * (b @ a)
            got = values(dtype, shape, raw)
            error = np.abs(got - exact) / ulp(dtype, exact)
            result["adapted"][name] = {"dtype": dtype, "max_ulp_error": float(error.max()),
                                       "max_abs_update": float(np.abs(scale * (b @ a)).max())}
        else:
            result["identical"][name] = raw == base[name][2] and dtype == base[name][0]
    return result


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--adapter", required=True)
    parser.add_argument("--base")
    parser.add_argument("--merged")
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    if args.base:
        result = check_merge(args.adapter, args.base, args.merged)
    else:
        result = describe_adapter(args.adapter)
    with open(args.out, "w") as f:
        json.dump(result, f, allow_nan=False)


if __name__ == "__main__":
    main()
