#!/usr/bin/env python3
"""Golden masks of Wanda's sequential loop (locuslab/wanda lib/prune.py prune_wanda, with the thesis's per-sample,
variable-length forwards: ANCHORS §1.5, §1.6, §2.2) on the llama, qwen3, gemma2, gemma3_text, phi3, mixtral and qwen3_moe
fixture models and the multimodal gemma3 one (its language model, masks named with its language_model. prefix), for
Shear's batched C# port.

Mixtures of experts (mixtral, qwen3_moe): each expert's Linears are hooked as any nn.Linear, so each sees exactly the
tokens routed to it (as prune_wanda's hooks do on transformers' MoE blocks, whose experts run on their tokens only);
the router (`gate`) is kept dense (not pruned: Shear's rule, where find_layers would include it). An expert that no
calibration token reaches has no scaler_row (nsamples 0): it is pruned by magnitude (locuslab's prune_magnitude: the
lowest int(numel x sparsity) |W| of the whole matrix, `<=` the threshold; N:M as Wanda's with |W|), and its names are
listed in the fixture's metadata (`by_magnitude`).

Each calibration sample runs alone through each decoder layer; forward hooks on the 7 Linears accumulate
scaler_row with WrappedGPT.add_batch's running update; masks are per output row by stable sort (unstructured) or
per group of M consecutive inputs (N:M); pruned weights are zeroed and the layer is re-run to feed the next one.

Run (after make_model_fixtures.py):
    /usr/bin/python3 tests/reference/make_wanda_fixture.py tests/Numerics.Tests/Fixtures
"""
import json
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import safetensors_io  # noqa: E402
from make_model_fixtures import MOE, MULTIMODAL_PREFIX, ROUTING_MARGIN, embed, layer_forward  # noqa: E402

SAMPLES = [
    [406, 17, 42, 5, 88, 23, 9, 301, 250, 12, 77],
    [406, 60, 61, 62, 3, 77],
    [406, 33, 4, 70, 12, 199, 200, 201, 350],
    [406, 5, 6],
]
# Every Linear pruning sees, by its last name: the projections (phi3's fused qkv_proj and gate_up_proj, one Linear each,
# pruned as any nn.Linear per output row) and the experts' (Mixtral's w1, w3, w2). Not a mixture's router (`gate`).
LINEARS = ["self_attn.q_proj", "self_attn.k_proj", "self_attn.v_proj", "self_attn.o_proj",
           "mlp.gate_proj", "mlp.up_proj", "mlp.down_proj"]  # llama's (the OWL fixture's model)
PRUNED = ("q_proj", "k_proj", "v_proj", "o_proj", "qkv_proj", "gate_proj", "up_proj", "down_proj", "gate_up_proj", "w1", "w2", "w3")


def linears_of(w, p):
    """The pruned Linears of the layer whose tensors start with p, by name relative to it."""
    names = [k[len(p):-len(".weight")] for k in w if k.startswith(p) and k.endswith(".weight")]
    return [n for n in names if n.split(".")[-1] in PRUNED]


class Wrapped:
    """WrappedGPT: scaler_row running mean over samples of per-sample sums of squares."""

    def __init__(self, columns):
        self.scaler_row = torch.zeros(columns)
        self.nsamples = 0

    def add_batch(self, inp):
        if inp.dim() == 2:
            inp = inp.unsqueeze(0)
        tmp = inp.shape[0]
        inp = inp.reshape(-1, inp.shape[-1]).t()
        self.scaler_row *= self.nsamples / (self.nsamples + tmp)
        self.nsamples += tmp
        inp = inp.type(torch.float32)
        self.scaler_row += torch.norm(inp, p=2, dim=1) ** 2 / self.nsamples


def wanda_metric(weight, scaler_row):
    return torch.abs(weight) * torch.sqrt(scaler_row.reshape((1, -1)))


def per_row_mask(metric, sparsity):
    """Wanda's unstructured selection: the lowest int(cols * sparsity) scores of each output row (stable sort)."""
    mask = torch.zeros_like(metric) == 1
    indices = torch.sort(metric, dim=-1, stable=True)[1][:, :int(metric.shape[1] * sparsity)]
    mask.scatter_(1, indices, True)
    return mask


def nm_mask(metric, prune_n, prune_m):
    """Wanda's N:M selection: the prune_n lowest scores of every prune_m consecutive inputs of each row."""
    mask = torch.zeros_like(metric) == 1
    for ii in range(metric.shape[1]):
        if ii % prune_m == 0:
            tmp = metric[:, ii:(ii + prune_m)].float()
            mask.scatter_(1, ii + torch.topk(tmp, prune_n, dim=1, largest=False)[1], True)
    return mask


def magnitude_mask(weight, sparsity, prune_n, prune_m):
    """locuslab's prune_magnitude: N:M on |W|, else |W| <= the matrix's int(numel x sparsity)-th smallest |W|."""
    metric = torch.abs(weight)
    if prune_n != 0:
        return nm_mask(metric, prune_n, prune_m)
    thresh = torch.sort(metric.flatten())[0][int(weight.numel() * sparsity)]
    return metric <= thresh


def prune_loop(c, w, sparsity, prune_n, prune_m, metric_of=wanda_metric, unstructured=per_row_mask, by_magnitude=None):
    """Wanda's sequential loop with a per-Linear score (metric_of) and unstructured selection (N:M is Wanda's).
    Linears no calibration token reached are pruned by magnitude and their full names added to by_magnitude."""
    w = {k: v.clone() for k, v in w.items()}
    inps = [embed(c, w, torch.tensor([s])) for s in SAMPLES]
    masks = {}
    for layer in range(c["num_hidden_layers"]):
        p = f"model.layers.{layer}."
        linears = linears_of(w, p)
        wrapped = {n: Wrapped(w[p + n + ".weight"].shape[1]) for n in linears}
        for x in inps:
            layer_forward(c, w, layer, x, hook=lambda name, v: wrapped[name].add_batch(v.data))
        for name in linears:
            weight = w[p + name + ".weight"]
            if wrapped[name].nsamples == 0:
                mask = magnitude_mask(weight, sparsity, prune_n, prune_m)
                if by_magnitude is not None:
                    by_magnitude.add(f"{p}{name}")
            else:
                metric = metric_of(weight, wrapped[name].scaler_row)
                mask = nm_mask(metric, prune_n, prune_m) if prune_n != 0 else unstructured(metric, sparsity)
            weight[mask] = 0
            masks[f"{p}{name}"] = mask
        inps = [layer_forward(c, w, layer, x) for x in inps]
    return masks


def load_llama(fixtures, family="llama"):
    """A fixture model's config and weights (llama unless named), and the tensors every golden file starts with (the samples)."""
    model_dir = os.path.join(fixtures, "models", family)
    with open(os.path.join(model_dir, "config.json")) as f:
        c = json.load(f)
    w = safetensors_io.load(os.path.join(model_dir, "model.safetensors"))
    if c["model_type"] == "gemma3":  # multimodal: prune its language model (tensors under language_model.)
        c = c["text_config"]
        w = {k[len(MULTIMODAL_PREFIX):]: v for k, v in w.items() if k.startswith(MULTIMODAL_PREFIX)}
    return c, w, {f"sample.{i}": torch.tensor(s, dtype=torch.int64) for i, s in enumerate(SAMPLES)}


def write_fixture(fixtures, file, prune, metadata, family="llama"):
    """Masks of prune(c, w, sparsity, n, m) for unstructured 50% and 2:4 on a fixture model (llama), with the samples."""
    c, w, out = load_llama(fixtures, family)
    by_magnitude = set()
    with torch.no_grad():
        for tag, (s, n, m) in {"unstructured": (0.5, 0, 0), "nm24": (0.5, 2, 4)}.items():
            for name, mask in prune(c, w, s, n, m, by_magnitude=by_magnitude).items():
                out[f"{tag}.{MULTIMODAL_PREFIX if family == 'gemma3' else ''}{name}"] = mask  # masks are named as the tensors they mask
    if by_magnitude:
        metadata = dict(metadata, by_magnitude=",".join(sorted(by_magnitude)))
    if c["model_type"] in MOE:
        # A near-tie in routing would flip under fp32 reordering (batched forwards): the fixture needs a clear margin.
        print(family, "smallest routing margin", ROUTING_MARGIN[0])
        assert ROUTING_MARGIN[0] > 1e-4
        ROUTING_MARGIN[0] = 1.0
    path = os.path.join(fixtures, "pruning", file)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    safetensors_io.save(path, out, metadata)
    print("wrote", path, len(out), "tensors")


def main(fixtures):
    write_fixture(fixtures, "wanda_llama.safetensors", prune_loop, {"made_by": "tests/reference/make_wanda_fixture.py"})
    for family in ("qwen3", "gemma2", "gemma3_text", "phi3", "mixtral", "qwen3_moe", "gemma3"):
        write_fixture(fixtures, f"wanda_{family}.safetensors", prune_loop, {"made_by": "tests/reference/make_wanda_fixture.py"}, family)


if __name__ == "__main__":
    main(sys.argv[1])
