#!/usr/bin/env python3
"""Independent float64 reference of layerprune's evaluation scoring, on hf_forward.py's model.

  --data FILE.jsonl [--samples N]   loss: mean next-token cross-entropy (nats) over every predicted
                                    token of the first N {"input_ids"} sequences, with perplexity and
                                    loss / ln(vocab_size)
  --requests FILE.json              log-likelihoods: FILE holds [{"context": [ids], "continuations":
                                    [[ids], ...]}, ...]; for each, the summed log-probability of each
                                    continuation's tokens given the context and the tokens before them

Usage: python3 eval_reference.py --model DIR (--data FILE | --requests FILE) --out FILE.json
"""
import argparse
import json
import math
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from hf_forward import Model  # noqa: E402


def log_softmax(logits):
    m = logits.max(-1, keepdims=True)
    return logits - m - np.log(np.sum(np.exp(logits - m), -1, keepdims=True))


def loss(model, path, samples):
    nll, tokens = 0.0, 0
    with open(path) as f:
        seqs = [json.loads(line)["input_ids"] for line in f if line.strip()][:samples]
    for ids in seqs:
        lp = log_softmax(model.forward(ids)[0][:-1])
        nll -= float(np.sum(lp[np.arange(len(ids) - 1), np.asarray(ids[1:])]))
        tokens += len(ids) - 1
    mean = nll / tokens
    return {"loss": mean, "perplexity": math.exp(mean), "normalized_loss": mean / math.log(model.w["model.embed_tokens.weight"].shape[0]),
            "tokens": tokens, "sequences": len(seqs)}


def loglikelihoods(model, path):
    with open(path) as f:
        requests = json.load(f)
    out = []
    for r in requests:
        scores = []
        for cont in r["continuations"]:
            ids = r["context"] + cont
            lp = log_softmax(model.forward(ids[:-1])[0])
            positions = range(len(r["context"]) - 1, len(ids) - 1)
            scores.append(float(sum(lp[p, ids[p + 1]] for p in positions)))
        out.append(scores)
    return {"loglikelihoods": out}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", required=True)
    ap.add_argument("--data")
    ap.add_argument("--samples", type=int, default=10**9)
    ap.add_argument("--requests")
    ap.add_argument("--out", required=True)
    args = ap.parse_args()
    model = Model(args.model)
    result = loss(model, args.data, args.samples) if args.data else loglikelihoods(model, args.requests)
    with open(args.out, "w") as f:
        json.dump(result, f)


if __name__ == "__main__":
    main()
