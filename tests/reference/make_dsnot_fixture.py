#!/usr/bin/env python3
"""Golden masks of DSnoT (Zhang et al., "Dynamic Sparse No Training: Training-Free Fine-tuning for Sparse LLMs",
ICLR 2024; its authors' lib/prune.py prune_DSnoT and lib/layerwrapper.py WrappedGPT) on the llama fixture model, for
Shear's C# port.

The calibration loop is Wanda's (make_wanda_fixture.py: one sample at a time through each decoder layer, pruned
weights zeroed and the layer re-run to feed the next). WrappedGPT.add_batch keeps, per input channel j, Wanda's
scaler_row (running mean over samples of sum_t x_j^2), sum_metric_row (running mean over samples of sum_t x_j) and
var (token-weighted running mean of each sample's population variance of x_j). Per Linear, with initial method
wanda:
    DSnoT_metric   = W * sum_metric_row          (signed: each weight's share of the mean output)
    initial_metric = |W| * sqrt(scaler_row)      (Wanda's mask: the lowest int(cols * s) of each row, stable sort)
then, unless the Linear is skipped (--skip_layer, default mlp), the prune-and-grow cycles of prune_DSnoT,
unstructured (two pointers into the regrowing order and two into the pruning order, --without_same_sign default
True) or N:M (a regrown weight's group gives up its smallest retained weight), at most --max_cycle_time cycles,
a row stopping once |reconstruction error| <= --update_threshold.

The authors' defaults are 50 cycles, threshold 0.1, mlp skipped, variance power 1. On this small model (64 input
channels, 32 retained per row) 50 cycles walk a pointer out of its order and the reference indexes out of bounds, so
two settings it runs are written: "attention" (8 cycles, threshold 0.1, mlp skipped) and "aggressive" (6 cycles,
threshold 0, nothing skipped). The script checks that no pointer leaves its range and that both settings change
Wanda's masks. Two more refine other initial masks (--initial_method): "magnitude" (|W|) and "sparsegpt"
(W^2 / diag(U)^2, U the upper Cholesky factor of the damped inverse Hessian). The authors' WrappedGPT allocates H
for sparsegpt but never adds to it (H stays zero, every input counts as dead and W is zeroed), so this script
accumulates H as their lib/sparsegpt.py add_batch does, which is what the metric is meant to read.

Run (after make_model_fixtures.py):
    /usr/bin/python3 tests/reference/make_dsnot_fixture.py tests/Numerics.Tests/Fixtures
"""
import json
import math
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import safetensors_io  # noqa: E402
from make_model_fixtures import embed, layer_forward  # noqa: E402
from make_wanda_fixture import LINEARS, SAMPLES, load_llama  # noqa: E402

SETTINGS = {
    "attention": {"max_cycle_time": 8, "update_threshold": 0.1, "skip_layer": "mlp", "pow_of_var_regrowing": 1.0},
    "aggressive": {"max_cycle_time": 6, "update_threshold": 0.0, "skip_layer": "no_skip", "pow_of_var_regrowing": 1.0},
    "sparsegpt": {"max_cycle_time": 6, "update_threshold": 0.0, "skip_layer": "no_skip", "pow_of_var_regrowing": 1.0, "initial_method": "sparsegpt"},
    "magnitude": {"max_cycle_time": 6, "update_threshold": 0.0, "skip_layer": "mlp", "pow_of_var_regrowing": 1.0, "initial_method": "magnitude"},
}


class Wrapped:
    """WrappedGPT.add_batch, DSnoT's version."""

    def __init__(self, columns, hessian=False):
        self.H = torch.zeros((columns, columns)) if hessian else None
        self.scaler_row = torch.zeros(columns)
        self.sum_metric_row = torch.zeros(columns)
        self.mean = torch.zeros((columns, 1))
        self.var = torch.zeros((columns, 1))
        self.nsamples = 0
        self.ntokens = 0

    def add_batch(self, inp):
        if inp.dim() == 2:
            inp = inp.unsqueeze(0)
        tmp = inp.shape[0]
        inp = inp.reshape((-1, inp.shape[-1])).t().type(torch.float32)
        mean_inp = torch.mean(inp, dim=1, keepdim=True)
        var_inp = torch.var(inp, dim=1, unbiased=False, keepdim=True)
        num_inp = inp.shape[1]
        self.var = var_inp if self.ntokens == 0 else (self.var * self.ntokens + var_inp * num_inp) / (self.ntokens + num_inp)
        self.mean = mean_inp if self.ntokens == 0 else (self.mean * self.ntokens + mean_inp * num_inp) / (self.ntokens + num_inp)
        self.ntokens += num_inp
        if self.H is not None:  # lib/sparsegpt.py's add_batch
            self.H *= self.nsamples / (self.nsamples + tmp)
            scaled = math.sqrt(2 / (self.nsamples + tmp)) * inp
            self.H += scaled.matmul(scaled.t())
        self.scaler_row *= self.nsamples / (self.nsamples + tmp)
        self.sum_metric_row *= self.nsamples / (self.nsamples + tmp)
        self.nsamples += tmp
        self.scaler_row += torch.norm(inp, p=2, dim=1) ** 2 / self.nsamples
        self.sum_metric_row += torch.sum(inp, dim=1) / self.nsamples


def return_reorder_indice(input_tensor):
    """prune.py's return_reorder_indice: negatives in their order, then positives in reverse order."""
    positive_indices = torch.arange(0, input_tensor.shape[1]).to(torch.float64).repeat(input_tensor.shape[0], 1)
    negative_indices = positive_indices.clone()
    positive_indices[~(input_tensor > 0)] = float("inf")
    negative_indices[~(input_tensor < 0)] = float("inf")
    positive_value, _ = torch.sort(positive_indices, dim=1)
    negative_value, _ = torch.sort(negative_indices, dim=1)
    positive_value = torch.flip(positive_value, dims=[1])
    negative_value[negative_value == float("inf")] = 0
    positive_value[positive_value == float("inf")] = 0
    return (positive_value + negative_value).to(torch.int64)


def checked_gather(block, pointer, name):
    assert bool((pointer >= 0).all()) and bool((pointer < block.shape[1]).all()), f"{name}: a pointer left its range"
    return torch.gather(block, 1, pointer)


def initial_metric(weight, wrapped, method):
    """prune_DSnoT's initial_metric for --initial_method."""
    if method == "magnitude":
        return torch.abs(weight)
    if method == "sparsegpt":
        W = weight.clone().float()
        H = wrapped.H.clone()
        dead = torch.diag(H) == 0
        H[dead, dead] = 1
        W[:, dead] = 0
        damp = 0.01 * torch.mean(torch.diag(H))
        diag = torch.arange(H.shape[0])
        H[diag, diag] += damp
        H = torch.linalg.cholesky(H)
        H = torch.cholesky_inverse(H)
        H = torch.linalg.cholesky(H, upper=True)
        return W ** 2 / (torch.diag(H).reshape((1, -1))) ** 2
    return torch.abs(weight) * torch.sqrt(wrapped.scaler_row.reshape((1, -1)))


def dsnot_unstructured(weight, wrapped, sparsity, a, method="wanda"):
    dsnot = weight * wrapped.sum_metric_row.reshape((1, -1))
    initial = initial_metric(weight, wrapped, method)
    mask = torch.zeros_like(initial) == 1
    _, order = torch.sort(initial, dim=-1, stable=True)
    sparsity_num = int(initial.shape[1] * sparsity)
    res_num = order.shape[1] - sparsity_num
    prune_idx, res_idx = torch.split(order, [sparsity_num, res_num], dim=1)
    mask.scatter_(1, prune_idx, True)
    if a is None:
        return mask, 0
    regrow = dsnot.clone()
    regrow.scatter_(1, res_idx, 0)
    error = torch.sum(regrow, dim=1, keepdim=True)
    if a["pow_of_var_regrowing"]:
        regrow /= torch.pow(wrapped.var.reshape((1, -1)), a["pow_of_var_regrowing"])
    _, regrow_block = torch.sort(regrow, dim=1, stable=True)
    wanda = torch.abs(weight) * torch.sqrt(wrapped.scaler_row.reshape((1, -1)))  # the pruning order is Wanda's
    wanda.scatter_(1, prune_idx, float("inf"))
    wanda_res, _ = torch.split(torch.sort(wanda, dim=1, stable=True)[1], [res_num, sparsity_num], dim=1)
    prune_block = torch.gather(wanda_res, 1, return_reorder_indice(torch.gather(dsnot, 1, wanda_res)))
    rows = error.shape[0]
    regrow_ptr = torch.zeros((rows, 2), dtype=torch.long)
    regrow_ptr[:, 1] = regrow_block.shape[-1] - 1
    prune_ptr = torch.zeros((rows, 2), dtype=torch.long)
    prune_ptr[:, 1] = prune_block.shape[-1] - 1
    step = torch.ones((rows, 2), dtype=torch.long)
    step[:, 1] = -1
    update = torch.ones_like(error, dtype=torch.bool)
    cycle = 0
    while not (torch.all(update == False) or cycle >= a["max_cycle_time"]):  # noqa: E712
        cycle += 1
        side = (error > 0).int().to(torch.int64)
        at = torch.gather(regrow_ptr, 1, side)
        regrow_i = checked_gather(regrow_block, at, "regrowing")
        regrow_m = dsnot.gather(1, regrow_i)
        regrow_ptr.scatter_(1, side, at + step.gather(1, side))
        side = (error < 0).int().to(torch.int64)
        at = torch.gather(prune_ptr, 1, side)
        prune_i = checked_gather(prune_block, at, "pruning")
        prune_m = dsnot.gather(1, prune_i)
        prune_ptr.scatter_(1, side, at + step.gather(1, side))
        update = update & (abs(error) > a["update_threshold"])  # --without_same_sign (default True)
        mask.scatter_(1, prune_i, update)
        mask.scatter_(1, regrow_i, ~update)
        error += torch.where(update, prune_m, torch.zeros_like(prune_m))
        error -= torch.where(update, regrow_m, torch.zeros_like(regrow_m))
    return mask, cycle


def dsnot_nm(weight, wrapped, n, m, a, method="wanda"):
    dsnot = weight * wrapped.sum_metric_row.reshape((1, -1))
    initial = initial_metric(weight, wrapped, method)
    mask = torch.zeros_like(initial) == 1
    if a is None:
        for ii in range(initial.shape[1]):
            if ii % m == 0:
                tmp = initial[:, ii:(ii + m)].float()
                mask.scatter_(1, ii + torch.topk(tmp, n, dim=1, largest=False)[1], True)
        return mask, 0
    prune_idx = torch.zeros((initial.shape[0], 0), dtype=torch.int64)
    res_idx = torch.zeros((initial.shape[0], 0), dtype=torch.int64)
    for ii in range(initial.shape[1]):
        if ii % m == 0:
            tmp = initial[:, ii:(ii + m)].float()
            _, order = torch.sort(tmp, dim=1)
            order += ii
            p, r = torch.split(order, [n, m - n], dim=1)
            prune_idx = torch.cat((prune_idx, p), dim=1)
            res_idx = torch.cat((res_idx, r), dim=1)
            mask.scatter_(1, p, True)
    regrow = dsnot.clone()
    regrow.scatter_(1, res_idx, 0)
    error = torch.sum(regrow, dim=1, keepdim=True)
    sign = torch.sign(error)
    if a["pow_of_var_regrowing"]:
        regrow /= torch.pow(wrapped.var.reshape((1, -1)), a["pow_of_var_regrowing"])
    _, regrow_block = torch.sort(regrow, dim=1, stable=True)
    rows = error.shape[0]
    regrow_ptr = torch.zeros((rows, 2), dtype=torch.long)
    regrow_ptr[:, 1] = regrow_block.shape[-1] - 1
    step = torch.ones((rows, 2), dtype=torch.long)
    step[:, 1] = -1
    initial.scatter_(1, prune_idx, float("inf"))
    top = torch.max(initial, dim=1, keepdim=True)[0] + 1
    cycle = 1
    update = torch.ones_like(error, dtype=torch.bool)
    while not (torch.all(update == False) or cycle > a["max_cycle_time"]):  # noqa: E712
        cycle += 1
        side = (error > 0).int().to(torch.int64)
        at = torch.gather(regrow_ptr, 1, side)
        regrow_i = checked_gather(regrow_block, at, "regrowing")
        regrow_m = dsnot.gather(1, regrow_i)
        start = regrow_i - regrow_i % m
        block = torch.arange(0, m).repeat(start.shape[1], 1) + start
        group = torch.gather(initial, 1, block)
        assert bool((torch.isinf(group).sum(dim=1) < m).all()), "a group with every weight taken: topk would tie"
        _, prune_i = torch.topk(group, 1, dim=1, largest=False)
        prune_i += start
        prune_m = dsnot.gather(1, prune_i)
        after = error + prune_m - regrow_m
        update = update & (sign == torch.sign(after)) & (abs(error) > a["update_threshold"])
        initial.scatter_(1, prune_i, top)
        mask.scatter_(1, prune_i, update)
        mask.scatter_(1, regrow_i, ~update)
        error += torch.where(update, prune_m, torch.zeros_like(prune_m))
        error -= torch.where(update, regrow_m, torch.zeros_like(regrow_m))
        regrow_ptr.scatter_(1, side, at + step.gather(1, side))
    return mask, cycle - 1


def prune_loop(c, w, sparsity, n, m, a):
    w = {k: v.clone() for k, v in w.items()}
    inps = [embed(c, w, torch.tensor([s])) for s in SAMPLES]
    masks, cycles = {}, {}
    for layer in range(c["num_hidden_layers"]):
        p = f"model.layers.{layer}."
        method = a.get("initial_method", "wanda")
        wrapped = {name: Wrapped(w[p + name + ".weight"].shape[1], hessian=method == "sparsegpt") for name in LINEARS}
        for x in inps:
            layer_forward(c, w, layer, x, hook=lambda name, v: wrapped[name].add_batch(v.data))
        for name in LINEARS:
            weight = w[p + name + ".weight"]
            skipped = a.get("wanda_only", False) or name.split(".")[0] == a["skip_layer"]
            args = None if skipped else a
            mask, cycle = (dsnot_nm(weight, wrapped[name], n, m, args, method) if n != 0
                           else dsnot_unstructured(weight, wrapped[name], sparsity, args, method))
            weight[mask] = 0
            masks[f"{p}{name}"] = mask
            cycles[f"{p}{name}"] = cycle
        inps = [layer_forward(c, w, layer, x) for x in inps]
    return masks, cycles


def main(fixtures):
    c, w, out = load_llama(fixtures)
    with torch.no_grad():
        for setting, a in SETTINGS.items():
            for tag, (s, n, m) in {"unstructured": (0.5, 0, 0), "nm24": (0.5, 2, 4)}.items():
                masks, cycles = prune_loop(c, w, s, n, m, a)
                plain, _ = prune_loop(c, w, s, n, m, {**a, "wanda_only": True})  # Wanda's masks of the same loop, for the report
                changed = sum(int((masks[k] != plain[k]).sum()) for k in masks)
                print(setting, tag, "entries changed vs wanda:", changed, "cycles:", cycles)
                assert changed > 0, f"{setting} {tag} should change some of Wanda's mask"
                for name, mask in masks.items():
                    out[f"{setting}.{tag}.{name}"] = mask
    path = os.path.join(fixtures, "pruning", "dsnot_llama.safetensors")
    meta = {"made_by": "tests/reference/make_dsnot_fixture.py", "settings": json.dumps(SETTINGS)}
    safetensors_io.save(path, out, meta)
    print("wrote", path, len(out), "tensors")


if __name__ == "__main__":
    main(sys.argv[1])
