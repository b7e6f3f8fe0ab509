"""An independent safetensors reader and writer in numpy, to cross-check layerprune's Java implementation.

The reference `safetensors` package is not installable here, so this follows the format as documented and as the
reference implementation writes it: u64 little-endian header length, compact UTF-8 JSON with "__metadata__" first,
padded with spaces to a multiple of 8 bytes, tensors tiling the data section with no gaps.

    safetensors_crosscheck.py write FILE      write a fixture of several dtypes, reference-style
    safetensors_crosscheck.py read FILE       validate FILE and print its tensors' values as JSON
    safetensors_crosscheck.py checkpoint DIR  check manifest.json hashes and the shard index, print a JSON summary

Any problem is printed to stderr with exit status 1.
"""
import hashlib
import json
import os
import struct
import sys

import numpy as np

MAX_HEADER_BYTES = 100_000_000
NUMPY_DTYPES = {
    "BOOL": "?", "U8": "u1", "I8": "i1", "I16": "<i2", "U16": "<u2", "F16": "<f2", "BF16": "<u2",
    "I32": "<i4", "U32": "<u4", "F32": "<f4", "F64": "<f8", "I64": "<i8", "U64": "<u8",
}


def fail(message):
    print(message, file=sys.stderr)
    sys.exit(1)


def bf16_bits(values):
    """bfloat16 bit patterns of float32 values that bfloat16 holds exactly (the top 16 bits)."""
    return (np.asarray(values, dtype="<f4").view("<u4") >> 16).astype("<u2")


def write(path):
    tensors = {
        "f32": ("F32", np.array([[1.5, -2.0, 3.25], [0.0, 1e-3, 7.0]], dtype="<f4")),
        "f16": ("F16", np.array([1.0, -2.0, 0.5, 65504.0], dtype="<f2")),
        "bf16": ("BF16", bf16_bits([1.0, -3.5, 0.15625])),
        "f64": ("F64", np.array([3.141592653589793], dtype="<f8")),
        "i64": ("I64", np.array([-1, 2 ** 40], dtype="<i8")),
        "i32": ("I32", np.array([[-7], [8]], dtype="<i4")),
        "u8": ("U8", np.arange(5, dtype="u1")),
        "bool": ("BOOL", np.array([True, False, True])),
        "scalar": ("F32", np.array(42.0, dtype="<f4")),
    }
    # The reference implementation orders tensors by decreasing alignment, then by name.
    order = sorted(tensors, key=lambda name: (-tensors[name][1].dtype.itemsize, name))
    header = {"__metadata__": {"format": "pt", "source": "numpy"}}
    data = b""
    for name in order:
        dtype, array = tensors[name]
        raw = array.tobytes()
        header[name] = {"dtype": dtype, "shape": list(array.shape), "data_offsets": [len(data), len(data) + len(raw)]}
        data += raw
    encoded = json.dumps(header, separators=(",", ":")).encode("utf-8")
    encoded += b" " * (-len(encoded) % 8)
    with open(path, "wb") as out:
        out.write(struct.pack("<Q", len(encoded)) + encoded + data)


def parse(path):
    """Header (as an ordered dict) and data section of a safetensors file, after checking the format's rules."""
    with open(path, "rb") as f:
        blob = f.read()
    if len(blob) < 8:
        fail(f"{path}: shorter than 8 bytes")
    (n,) = struct.unpack("<Q", blob[:8])
    if n > MAX_HEADER_BYTES or n > len(blob) - 8:
        fail(f"{path}: bad header length {n}")
    raw_header = blob[8:8 + n]
    if not raw_header.startswith(b"{"):
        fail(f"{path}: header does not start with {{")
    header = json.loads(raw_header.decode("utf-8"))
    data = blob[8 + n:]
    entries = [(name, info) for name, info in header.items() if name != "__metadata__"]
    covered = 0
    for name, info in sorted(entries, key=lambda e: tuple(e[1]["data_offsets"])):
        begin, end = info["data_offsets"]
        itemsize = np.dtype(NUMPY_DTYPES[info["dtype"]]).itemsize
        if begin != covered or end - begin != int(np.prod(info["shape"], dtype=np.int64)) * itemsize:
            fail(f"{path}: tensor {name} has bad data_offsets {info['data_offsets']}")
        covered = end
    if covered != len(data):
        fail(f"{path}: tensors cover {covered} of {len(data)} data bytes")
    return n, header, data


def read(path):
    n, header, data = parse(path)
    tensors = []
    for name, info in header.items():
        if name == "__metadata__":
            continue
        begin, end = info["data_offsets"]
        array = np.frombuffer(data[begin:end], dtype=NUMPY_DTYPES[info["dtype"]]).reshape(info["shape"])
        if info["dtype"] == "BF16":
            array = (array.astype("<u4") << 16).view("<f4")
        tensors.append({"name": name, "dtype": info["dtype"], "shape": info["shape"],
                        "values": array.ravel().tolist()})
    print(json.dumps({"header_length": n, "metadata": header.get("__metadata__", {}), "tensors": tensors}))


def checkpoint(directory):
    with open(os.path.join(directory, "manifest.json"), encoding="utf-8") as f:
        manifest = json.load(f)["files"]
    present = sorted(name for name in os.listdir(directory) if name != "manifest.json")
    if sorted(manifest) != present:
        fail(f"{directory}: manifest lists {sorted(manifest)}, directory holds {present}")
    for name, entry in manifest.items():
        with open(os.path.join(directory, name), "rb") as f:
            content = f.read()
        if hashlib.sha256(content).hexdigest() != entry["sha256"] or len(content) != entry["bytes"]:
            fail(f"{directory}: {name} does not match its manifest entry")
    with open(os.path.join(directory, "model.safetensors.index.json"), encoding="utf-8") as f:
        index = json.load(f)
    total = 0
    for shard in sorted(set(index["weight_map"].values())):
        _, header, data = parse(os.path.join(directory, shard))
        total += len(data)
        for name in header:
            if name != "__metadata__" and index["weight_map"].get(name) != shard:
                fail(f"{directory}: {shard} holds {name}, which the index does not map to it")
    if total != index["metadata"]["total_size"]:
        fail(f"{directory}: total_size {index['metadata']['total_size']} but shards hold {total} bytes")
    print(json.dumps({"files": len(manifest), "total_size": total, "tensors": len(index["weight_map"])}))


if __name__ == "__main__":
    if len(sys.argv) != 3 or sys.argv[1] not in ("write", "read", "checkpoint"):
        fail(__doc__)
    {"write": write, "read": read, "checkpoint": checkpoint}[sys.argv[1]](sys.argv[2])
