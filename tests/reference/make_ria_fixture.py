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
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from make_wanda_fixture import prune_loop, write_fixture  # noqa: E402

A = 0.5


def ria_metric(weight, scaler_row):
    """prune_ria's W_metric."""
    return (torch.abs(weight) / torch.sum(torch.abs(weight), dim=0)
            + torch.abs(weight) / torch.sum(torch.abs(weight), dim=1).reshape(-1, 1)) \
        * (torch.sqrt(scaler_row.reshape((1, -1)))) ** A


def matrix_threshold_mask(metric, sparsity):
    """prune_ria's unstructured default (per_outneuron off): one threshold per matrix."""
    thresh = torch.sort(metric.flatten())[0][int(metric.shape[0] * metric.shape[1] * sparsity)]
    return metric <= thresh


def main(fixtures):
    write_fixture(fixtures, "ria_llama.safetensors",
                  lambda c, w, s, n, m, **kw: prune_loop(c, w, s, n, m, ria_metric, matrix_threshold_mask, **kw),
                  {"made_by": "tests/reference/make_ria_fixture.py", "a": str(A)})


if __name__ == "__main__":
    main(sys.argv[1])
