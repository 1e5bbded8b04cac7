#!/usr/bin/env python3
"""The PyTorch side of the GPU check's layer step: locuslab/wanda's prune_wanda (lib/prune.py) on layer 0 of a
Llama-shaped checkpoint, timed, its masks compared with Shear's (bench/Bench gpu-layer).

As locuslab runs it: each calibration sample goes alone through the layer (inps[j].unsqueeze(0)); forward hooks on the
7 Linears feed WrappedGPT.add_batch (scaler_row, a running mean of per-sample squared input norms, in fp32); the
metric is |W| * sqrt(scaler_row); unstructured masks take the lowest half of each output row by stable sort, 2:4
masks the lowest 2 of each 4 consecutive inputs by topk; the pruned weights are zeroed and the layer is run again (its
outputs feed the next layer). The layer forward and the wrapper are the repo's reference code
(tests/reference/make_model_fixtures.py layer_forward, make_wanda_fixture.py Wrapped/wanda_metric/per_row_mask), so the
CPU path (Debian's torch 1.13) and the GPU path (torch 2.x) run the same lines.

Masks are compared entry by entry. Differences are explained, not hidden: the script also selects with Shear's own
scaler_row (same rule, Shear's statistics): if that equals Shear's mask, the selection code agrees and every remaining
difference comes from the statistics' rounding (Shear batches samples and uses other kernels: in bf16 the activations
themselves round differently), and each differing entry's score is measured against its group's boundary (relative
gap; a near-tie is a gap far below the statistics' relative difference).

Usage: wanda_layer_reference.py MODEL SHEAR_OUT DEVICE DTYPE PATTERNS REPEATS REPORT_JSON
  SHEAR_OUT holds samples.safetensors and shear_{unstructured|nm24}_{dtype}.safetensors from gpu-layer.
Exit 0 when every pattern passes, 1 otherwise.
"""
import json
import os
import sys
import time

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "tests", "reference"))
import safetensors_io  # noqa: E402
import make_model_fixtures  # noqa: E402
from make_model_fixtures import embed, layer_forward  # noqa: E402
from make_wanda_fixture import LINEARS, Wrapped, nm_mask, per_row_mask, wanda_metric  # noqa: E402

DTYPES = {"bf16": torch.bfloat16, "fp32": torch.float32}
# Mask differences allowed (fraction of entries), per dtype: fp32 differs only at near-ties of the statistics'
# summation order; bf16 activations themselves round differently between kernels (flash SDPA vs eager attention).
MAX_DIFF_FRACTION = {"fp32": 1e-3, "bf16": 1e-2}


def sync(device):
    if device.startswith("cuda"):
        torch.cuda.synchronize()


def select(metric, pattern):
    return per_row_mask(metric, 0.5) if pattern == "unstructured" else nm_mask(metric, 2, 4)


def boundary_gap(metric, pattern, where):
    """Relative distance of each entry in `where` to its group's selection boundary (mean of the k-th and k+1-th smallest)."""
    if pattern == "unstructured":
        groups, k = metric, metric.shape[1] // 2
    else:
        groups, k = metric.reshape(metric.shape[0], -1, 4), 2
    s = torch.sort(groups, dim=-1)[0]
    bound = (s[..., k - 1] + s[..., k]) / 2
    if pattern != "unstructured":
        bound = bound.repeat_interleave(4, dim=1)
    else:
        bound = bound.unsqueeze(1).expand_as(metric)
    gap = (metric - bound).abs() / bound.abs().clamp_min(1e-30)
    return gap[where]


def rope_in(dtype):
    """The fixture code's rope tables are fp32 (its models are); as transformers' LlamaRotaryEmbedding, hand them over
    in the activations' dtype so a bf16 layer stays bf16 (the additive mask stays fp32: scores are upcast before softmax)."""
    fp32_tables = make_model_fixtures.rope_and_mask

    def rope_and_mask(c, t, layer=0):
        cos, sin, mask = fp32_tables(c, t, layer)
        return cos.to(dtype), sin.to(dtype), mask
    return rope_and_mask


def step(c, w, inps, pattern, device):
    """One prune_wanda layer step; returns (masks, scaler rows, metrics, seconds)."""
    p = "model.layers.0."
    wl = {k: v.clone() for k, v in w.items() if k.startswith(p)}
    sync(device)
    start = time.perf_counter()
    wrapped = {n: Wrapped(wl[p + n + ".weight"].shape[1]) for n in LINEARS}
    for x in inps:
        layer_forward(c, wl, 0, x, hook=lambda name, v: wrapped[name].add_batch(v.data))
    masks, metrics = {}, {}
    for name in LINEARS:
        weight = wl[p + name + ".weight"]
        metric = wanda_metric(weight, wrapped[name].scaler_row)
        mask = select(metric, pattern)
        weight[mask] = 0
        masks[name], metrics[name] = mask, metric
    for x in inps:
        layer_forward(c, wl, 0, x)
    sync(device)
    return masks, {n: wrapped[n].scaler_row for n in LINEARS}, metrics, time.perf_counter() - start


def main(model, shear_out, device, dtype_name, patterns, repeats, report_path):
    dtype = DTYPES[dtype_name]
    with open(os.path.join(model, "config.json")) as f:
        c = json.load(f)
    c.setdefault("rope_theta", 10000.0)  # LlamaConfig's default, as Shear's
    c.setdefault("num_key_value_heads", c["num_attention_heads"])
    w = {}
    for fname in sorted(os.listdir(model)):
        if fname.endswith(".safetensors"):
            w.update(safetensors_io.load(os.path.join(model, fname)))
    ids = safetensors_io.load(os.path.join(shear_out, "samples.safetensors"))["ids"]
    w = {k: v.to(device=device, dtype=dtype) for k, v in w.items() if k.startswith("model.layers.0.") or k == "model.embed_tokens.weight"}
    if hasattr(torch, "set_default_device"):
        torch.set_default_device(device)  # the reference code's arange/zeros land on the device
    elif device != "cpu":
        raise SystemExit("this torch has no set_default_device: the reference runs on cpu only")
    ids = ids.to(device)
    make_model_fixtures.rope_and_mask = rope_in(dtype)
    inps = [embed(c, w, ids[j:j + 1]) for j in range(ids.shape[0])]
    report = {"model": model, "device": device, "dtype": dtype_name, "torch": torch.__version__,
              "samples": list(ids.shape), "patterns": {}}
    ok_all = True
    with torch.no_grad():
        for pattern in patterns:
            tag = "unstructured" if pattern == "unstructured" else "nm24"
            times = []
            for _ in range(repeats):
                masks, scalers, metrics, seconds = step(c, w, inps, pattern, device)
                times.append(seconds)
            shear = safetensors_io.load(os.path.join(shear_out, f"shear_{tag}_{dtype_name}.safetensors"))
            rows, total_diff, total = {}, 0, 0
            sel_diff_all = 0
            max_gap = 0.0
            for name in LINEARS:
                sm = shear[f"mask.{name}"].to(device)
                ss = shear[f"scaler_row.{name}"].to(device=device, dtype=torch.float32)
                rm = masks[name]
                diff = rm ^ sm
                nd = int(diff.sum())
                scaler_rel = float(((scalers[name] - ss).abs().max() / scalers[name].abs().max()).item())
                own = select(wanda_metric(w["model.layers.0." + name + ".weight"], ss), pattern)
                sel_diff = int((own ^ sm).sum())
                gap = float(boundary_gap(metrics[name], pattern, diff).max().item()) if nd else 0.0
                rows[name] = {"differing": nd, "entries": rm.numel(), "fraction": nd / rm.numel(),
                              "scaler_row_max_rel_diff": scaler_rel, "selection_with_shear_statistics_differing": sel_diff,
                              "max_boundary_gap_of_differing": gap}
                total_diff += nd
                total += rm.numel()
                sel_diff_all += sel_diff
                max_gap = max(max_gap, gap)
            fraction = total_diff / total
            ok = sel_diff_all == 0 and fraction <= MAX_DIFF_FRACTION[dtype_name]
            ok_all &= ok
            report["patterns"][tag] = {"reference_step_seconds": times, "differing": total_diff, "entries": total,
                                        "fraction": fraction, "selection_with_shear_statistics_differing": sel_diff_all,
                                        "max_boundary_gap_of_differing": max_gap, "pass": ok, "linears": rows}
            print(f"{'PASS' if ok else 'FAIL'} masks {tag} {dtype_name}: {total_diff} of {total} entries differ ({fraction:.2e}, "
                  f"limit {MAX_DIFF_FRACTION[dtype_name]:.0e}); with Shear's scaler_row the reference selects Shear's mask "
                  f"{'exactly' if sel_diff_all == 0 else f'but for {sel_diff_all} entries'}; differing entries lie within "
                  f"{max_gap:.2e} (relative) of their group's boundary; reference step {', '.join(f'{t:.3f}' for t in times)} s")
            for name, r in rows.items():
                print(f"    {name:18s} differ {r['differing']:8d}  scaler_row rel diff {r['scaler_row_max_rel_diff']:.2e}  "
                      f"boundary gap {r['max_boundary_gap_of_differing']:.2e}")
    with open(report_path, "w") as f:
        json.dump(report, f, indent=1)
    return 0 if ok_all else 1


if __name__ == "__main__":
    if len(sys.argv) != 8:
        sys.exit(__doc__)
    sys.exit(main(sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5].split(","), int(sys.argv[6]), sys.argv[7]))
