#!/usr/bin/env python3
"""Independent float64 reference of layerprune's probe (Gromov et al. 2024, section 3.2).

For every block size n = 1..L-1 and start l = 0..L-n it averages, over the first N sequences of a
JSON Lines file of {"input_ids": [...]}, a comparison of the residual stream entering the block,
a = x^(l), and leaving it, b = x^(l+n) (x^(0) = embeddings, x^(L) = last layer output, before the
final norm), computed with hf_forward.py's float64 model:

  angular-last-token   arccos(clip(cos(a_T, b_T), -1, 1)) / pi, T = last token, mean over sequences
  angular-all-tokens   the same for every token, mean over all tokens
  block-influence      1 - cos(a_t, b_t), mean over all tokens
  relative-magnitude   |b_t - a_t| / |b_t|, mean over all tokens
  l2-last-token        |b_T - a_T|, mean over sequences
  loss                 mean next-token cross-entropy with layers l..l+n-1 skipped (with --loss)

Usage: python3 probe_reference.py --model DIR --data FILE.jsonl --samples N [--max-length M] [--loss] --out FILE.json
Output: {metric: {"distances": {"n": [per l]}, "best": {"n": argmin l (first minimum)}}}
"""
import argparse
import json
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from hf_forward import Model  # noqa: E402


def read_sequences(path, samples, max_length):
    seqs = []
    with open(path) as f:
        for line in f:
            if line.strip():
                seqs.append(json.loads(line)["input_ids"][:max_length])
            if len(seqs) == samples:
                break
    return seqs


def pair_scores(hidden):
    """hidden: list of L+1 arrays (S, H). Returns {metric: {(i, j): (sum, count)}} for i < j."""
    out = {}
    L1 = len(hidden)
    for i in range(L1):
        for j in range(i + 1, L1):
            a, b = hidden[i], hidden[j]
            cos = np.clip(np.sum(a * b, -1) / (np.linalg.norm(a, axis=-1) * np.linalg.norm(b, axis=-1)), -1, 1)
            diff = np.linalg.norm(b - a, axis=-1)
            out[(i, j)] = {
                "angular-last-token": (np.arccos(cos[-1]) / np.pi, 1),
                "angular-all-tokens": (np.sum(np.arccos(cos) / np.pi), len(cos)),
                "block-influence": (np.sum(1 - cos), len(cos)),
                "relative-magnitude": (np.sum(diff / np.linalg.norm(b, axis=-1)), len(cos)),
                "l2-last-token": (diff[-1], 1),
            }
    return out


def loss_without(model, ids, start, count):
    """Summed next-token NLL and its count for ids with layers start..start+count-1 skipped."""
    logits = model.forward(ids, skip=range(start, start + count))[0][:-1]
    logz = logits.max(-1) + np.log(np.sum(np.exp(logits - logits.max(-1, keepdims=True)), -1))
    nll = logz - logits[np.arange(len(ids) - 1), np.asarray(ids[1:])]
    return float(np.sum(nll)), len(ids) - 1


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", required=True)
    ap.add_argument("--data", required=True)
    ap.add_argument("--samples", type=int, required=True)
    ap.add_argument("--max-length", type=int, default=1024)
    ap.add_argument("--loss", action="store_true")
    ap.add_argument("--out", required=True)
    args = ap.parse_args()

    model = Model(args.model)
    L = model.cfg.layers
    seqs = read_sequences(args.data, args.samples, args.max_length)
    totals = {}
    for ids in seqs:
        _, hidden = model.forward(ids)
        for pair, scores in pair_scores(hidden).items():
            for metric, (s, k) in scores.items():
                acc = totals.setdefault(metric, {}).setdefault(pair, [0.0, 0])
                acc[0] += s
                acc[1] += k
    if args.loss:
        for n in range(1, L):
            for l in range(0, L - n + 1):
                acc = totals.setdefault("loss", {}).setdefault((l, l + n), [0.0, 0])
                for ids in seqs:
                    s, k = loss_without(model, ids, l, n)
                    acc[0] += s
                    acc[1] += k
    result = {}
    for metric, pairs in totals.items():
        distances, best = {}, {}
        for n in range(1, L):
            row = [pairs[(l, l + n)][0] / pairs[(l, l + n)][1] for l in range(0, L - n + 1)]
            distances[str(n)] = row
            best[str(n)] = int(np.argmin(row))  # first minimum = smallest l
        result[metric] = {"distances": distances, "best": best}
    with open(args.out, "w") as f:
        json.dump(result, f)


if __name__ == "__main__":
    main()
