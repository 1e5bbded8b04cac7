#!/usr/bin/env python3
"""Reference outputs of SparseGPT's fasterprune (IST-DASLab/sparsegpt sparsegpt.py, as quoted in
shared/reference/ANCHORS.md §3), on small random layers with correlated inputs, for Shear's C# port.

Run with Debian's python (apt-get install python3-torch):
    /usr/bin/python3 tests/reference/make_sparsegpt_fixture.py tests/Numerics.Tests/Fixtures/pruning/sparsegpt.safetensors
"""
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import safetensors_io  # noqa: E402


def hessian(x_batches):
    """add_batch: H *= n/(n+tmp); n += tmp; inp = sqrt(2/n) * inp.float(); H += inp @ inp.T (inp is [C, tokens])."""
    cols = x_batches[0].shape[-1]
    h = torch.zeros(cols, cols)
    n = 0
    for x in x_batches:  # x: [1, tokens, C], one calibration sample
        tmp = x.shape[0]
        inp = x.reshape(-1, cols).t().float()
        h *= n / (n + tmp)
        n += tmp
        inp = (2 / n) ** 0.5 * inp
        h += inp.matmul(inp.t())
    return h


def fasterprune(w, h, sparsity, prunen=0, prunem=0, blocksize=128, percdamp=0.01):
    w = w.clone().float()
    h = h.clone()
    columns = w.shape[1]
    dead = torch.diag(h) == 0
    h[dead, dead] = 1
    w[:, dead] = 0
    damp = percdamp * torch.mean(torch.diag(h))
    diag = torch.arange(columns)
    h[diag, diag] += damp
    h = torch.linalg.cholesky(h)
    h = torch.cholesky_inverse(h)
    h = torch.linalg.cholesky(h, upper=True)
    hinv = h
    mask = torch.zeros_like(w, dtype=torch.bool)
    for i1 in range(0, columns, blocksize):
        i2 = min(i1 + blocksize, columns)
        count = i2 - i1
        w1 = w[:, i1:i2].clone()
        q1 = torch.zeros_like(w1)
        err1 = torch.zeros_like(w1)
        hinv1 = hinv[i1:i2, i1:i2]
        if prunen == 0:
            tmp = w1 ** 2 / (torch.diag(hinv1).reshape((1, -1))) ** 2
            thresh = torch.sort(tmp.flatten())[0][int(tmp.numel() * sparsity)]
            mask1 = tmp <= thresh
        else:
            mask1 = torch.zeros_like(w1) == 1
        for i in range(count):
            col = w1[:, i]
            d = hinv1[i, i]
            if prunen != 0 and i % prunem == 0:
                tmp = w1[:, i:(i + prunem)] ** 2 / (torch.diag(hinv1)[i:(i + prunem)].reshape((1, -1))) ** 2
                mask1.scatter_(1, i + torch.topk(tmp, prunen, dim=1, largest=False)[1], True)
            q = col.clone()
            q[mask1[:, i]] = 0
            q1[:, i] = q
            err = (col - q) / d
            w1[:, i:] -= err.unsqueeze(1).matmul(hinv1[i, i:].unsqueeze(0))
            err1[:, i] = err
        w[:, i1:i2] = q1
        mask[:, i1:i2] = mask1
        w[:, i2:] -= err1.matmul(hinv[i1:i2, i2:])
    return w, mask


def main(out):
    torch.manual_seed(4321)
    rows, cols = 12, 24
    mix = torch.randn(cols, cols) / cols ** 0.5 + torch.eye(cols) * 0.5
    samples = [torch.randn(1, 9 + s, cols) @ mix for s in range(6)]  # correlated inputs, varying lengths
    dead_samples = [x.clone() for x in samples]
    for x in dead_samples:
        x[..., 5] = 0  # input channel 5 never fires
    w = torch.randn(rows, cols)
    h = hessian(samples)
    h_dead = hessian(dead_samples)
    result = {"weight": w, "hessian": h, "hessian_dead": h_dead}
    for i, s in enumerate(samples):
        result[f"sample.{i}"] = s[0]
        result[f"dead_sample.{i}"] = dead_samples[i][0]
    result["unstructured.weight"], result["unstructured.mask"] = fasterprune(w, h, 0.5, blocksize=8)
    result["nm24.weight"], result["nm24.mask"] = fasterprune(w, h, 0.5, 2, 4, blocksize=8)
    result["dead.weight"], result["dead.mask"] = fasterprune(w, h_dead, 0.5, blocksize=16)
    os.makedirs(os.path.dirname(out), exist_ok=True)
    safetensors_io.save(out, result, {"made_by": "tests/reference/make_sparsegpt_fixture.py"})
    for k in ("unstructured", "nm24", "dead"):
        print(k, "pruned", int(result[k + ".mask"].sum()), "of", rows * cols)


if __name__ == "__main__":
    main(sys.argv[1])
