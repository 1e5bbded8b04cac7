#!/usr/bin/env python3
"""Golden layer sparsities and masks of OWL (Yin et al., "Outlier Weighed Layerwise Sparsity", ICML 2024; its
authors' lib/prune_all.py prune_wanda_outlier, check_outlier_mean) with Wanda on the llama fixture model, for
Shear's C# port.

Pass 1, on the dense model: each calibration sample runs alone through each decoder layer with Wanda's hooks
(make_wanda_fixture.py's WrappedGPT), the layer's Wanda scores |W| * sqrt(scaler_row) of all 7 Linears are
flattened and concatenated, and its outlier ratio is the percentage of them above M times their mean; the dense
layer's outputs feed the next layer. Then, with numpy as the authors do:
    ratio = (ratio - min) * (1 / (max - min) * lambda * 2)
    ratio = ratio - mean(ratio) + (1 - sparsity)          # kept fraction per layer
    layer sparsity = 1 - ratio (0.01 where that is <= 0)
Pass 2 is Wanda's loop (make_wanda_fixture.prune_loop) with each layer's sparsity (unstructured); N:M keeps its
pattern in every layer (prune_wanda_outlier's N:M branch ignores the ratios), so OWL + 2:4 is Wanda's 2:4.

M = 5 and lambda = 0.08 (the authors' README command; their main.py default M is 3).

Run (after make_model_fixtures.py):
    /usr/bin/python3 tests/reference/make_owl_fixture.py tests/Numerics.Tests/Fixtures
"""
import os
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import safetensors_io  # noqa: E402
from make_model_fixtures import embed, layer_forward  # noqa: E402
from make_wanda_fixture import LINEARS, SAMPLES, Wrapped, load_llama, per_row_mask, prune_loop, wanda_metric  # noqa: E402

M = 5.0
LAMBDA = 0.08


def check_outlier_mean(mask, threshold):
    """prune_all.py's check_outlier_mean: the percentage of entries above threshold x their mean."""
    max_shred = torch.mean(mask) * threshold
    return float((mask > max_shred).sum().item()) / mask.numel() * 100


def outlier_ratios(c, w):
    inps = [embed(c, w, torch.tensor([s])) for s in SAMPLES]
    ratios = []
    for layer in range(c["num_hidden_layers"]):
        p = f"model.layers.{layer}."
        wrapped = {n: Wrapped(w[p + n + ".weight"].shape[1]) for n in LINEARS}
        for x in inps:
            layer_forward(c, w, layer, x, hook=lambda name, v: wrapped[name].add_batch(v.data))
        metrics = [wanda_metric(w[p + n + ".weight"], wrapped[n].scaler_row) for n in LINEARS]
        ratios.append(check_outlier_mean(torch.cat([torch.flatten(m.cpu()) for m in metrics]), M))
        inps = [layer_forward(c, w, layer, x) for x in inps]
    return ratios


def layer_sparsities(ratios, sparsity):
    r = np.array(ratios)
    r = ((r - r.min()) * (1 / (r.max() - r.min()) * LAMBDA * 2))
    r = r - np.mean(r) + (1 - sparsity)
    return [1 - k if 1 - k > 0 else 0.01 for k in r]  # prune_wanda_outlier: <= 0 becomes 0.01


def main(fixtures):
    c, w, out = load_llama(fixtures)
    with torch.no_grad():
        ratios = outlier_ratios(c, w)
        sparsities = layer_sparsities(ratios, 0.5)
        print("outlier ratios", ratios, "layer sparsities", sparsities)
        out["owl.outlier_ratios"] = torch.tensor(ratios, dtype=torch.float64)
        out["owl.sparsities"] = torch.tensor(sparsities, dtype=torch.float64)
        for tag, (n, m) in {"unstructured": (0, 0), "nm24": (2, 4)}.items():
            # prune_loop selects once per Linear, layer after layer: each selection takes its layer's sparsity.
            per_linear = iter([s for s in sparsities for _ in LINEARS])
            for name, mask in prune_loop(c, w, 0.5, n, m, wanda_metric, lambda metric, _s, it=per_linear: per_row_mask(metric, next(it))).items():
                out[f"{tag}.{name}"] = mask
    path = os.path.join(fixtures, "pruning", "owl_llama.safetensors")
    safetensors_io.save(path, out, {"made_by": "tests/reference/make_owl_fixture.py", "M": str(M), "lambda": str(LAMBDA)})
    print("wrote", path, len(out), "tensors")


if __name__ == "__main__":
    main(sys.argv[1])
