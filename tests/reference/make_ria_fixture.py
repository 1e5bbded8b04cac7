#!/usr/bin/env python3
"""Golden masks of RIA (Zhang et al., "Plug-and-Play: An Efficient Post-training Pruning Method for Large Language
Models", ICLR 2024; its authors' lib/prune.py prune_ria) on the llama fixture model, for Shear's C# port.

The calibration loop is Wanda's (make_wanda_fixture.py: one sample at a time through each decoder layer, scaler_row
by WrappedGPT.add_batch, pruned weights zeroed and the layer re-run to feed the next). Per Linear, as prune_ria:
    W_metric = (|W| / sum(|W|, dim=0) + |W| / sum(|W|, dim=1).reshape(-1, 1)) * sqrt(scaler_row)^a,  a = 0.5
unstructured with the authors' default (per_outneuron off): one threshold per matrix,
    thresh = sort(W_metric.flatten())[int(rows * cols * sparsity)];  mask = W_metric <= thresh
N:M directly (no channel reallocation): the n smallest of every m consecutive inputs of a row.

Run (after make_model_fixtures.py):
    /usr/bin/python3 tests/reference/make_ria_fixture.py tests/Numerics.Tests/Fixtures
"""
import json
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import safetensors_io  # noqa: E402
from make_model_fixtures import embed, layer_forward  # noqa: E402
from make_wanda_fixture import LINEARS, SAMPLES, Wrapped  # noqa: E402

A = 0.5


def prune_ria(c, w, sparsity, prune_n, prune_m):
    w = {k: v.clone() for k, v in w.items()}
    inps = [embed(c, w, torch.tensor([s])) for s in SAMPLES]
    masks = {}
    for layer in range(c["num_hidden_layers"]):
        p = f"model.layers.{layer}."
        wrapped = {n: Wrapped(w[p + n + ".weight"].shape[1]) for n in LINEARS}
        for x in inps:
            layer_forward(c, w, layer, x, hook=lambda name, v: wrapped[name].add_batch(v.data))
        for name in LINEARS:
            weight = w[p + name + ".weight"]
            metric = (torch.abs(weight) / torch.sum(torch.abs(weight), dim=0)
                      + torch.abs(weight) / torch.sum(torch.abs(weight), dim=1).reshape(-1, 1)) \
                * (torch.sqrt(wrapped[name].scaler_row.reshape((1, -1)))) ** A
            mask = torch.zeros_like(metric) == 1
            if prune_n != 0:
                for ii in range(metric.shape[1]):
                    if ii % prune_m == 0:
                        tmp = metric[:, ii:(ii + prune_m)].float()
                        mask.scatter_(1, ii + torch.topk(tmp, prune_n, dim=1, largest=False)[1], True)
            else:
                thresh = torch.sort(metric.flatten())[0][int(weight.shape[0] * weight.shape[1] * sparsity)]
                mask = metric <= thresh
            weight[mask] = 0
            masks[f"{p}{name}"] = mask
        inps = [layer_forward(c, w, layer, x) for x in inps]
    return masks


def main(fixtures):
    model_dir = os.path.join(fixtures, "models", "llama")
    with open(os.path.join(model_dir, "config.json")) as f:
        c = json.load(f)
    w = safetensors_io.load(os.path.join(model_dir, "model.safetensors"))
    out = {f"sample.{i}": torch.tensor(s, dtype=torch.int64) for i, s in enumerate(SAMPLES)}
    with torch.no_grad():
        for tag, (s, n, m) in {"unstructured": (0.5, 0, 0), "nm24": (0.5, 2, 4)}.items():
            for name, mask in prune_ria(c, w, s, n, m).items():
                out[f"{tag}.{name}"] = mask
    path = os.path.join(fixtures, "pruning", "ria_llama.safetensors")
    os.makedirs(os.path.dirname(path), exist_ok=True)
    safetensors_io.save(path, out, {"made_by": "tests/reference/make_ria_fixture.py", "a": str(A)})
    print("wrote", path, len(out), "tensors")


if __name__ == "__main__":
    main(sys.argv[1])
