#!/usr/bin/env python3
"""The GPU check's family step: Shear's pruned sub-models (shear prune, HF layout) loaded by transformers itself, and by
the repo's reference forward (tests/reference/make_model_fixtures.py, written from transformers' modeling files), their
logits compared with Shear's own (bench/Bench logits) for the same token ids.

Usage: compare_logits.py DEVICE REPORT_JSON FAMILY:SUBMODEL:SHEAR_LOGITS [...] [--expected]
  --expected: SUBMODEL is a dense fixture and its committed expected_logits.safetensors is compared too.
transformers is required when DEVICE is cuda (the GPU machine has it); on a CPU machine without it that comparison is
skipped and said so. One PASS/FAIL line per family; exit 0 when all pass.
"""
import json
import os
import sys

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "tests", "reference"))
import safetensors_io  # noqa: E402
from make_model_fixtures import MULTIMODAL_PREFIX, forward  # noqa: E402

TOLERANCE = 1e-4  # fp32, as tests/Numerics.Tests/Models/ReferenceLogitsTests.cs


def load_weights(model):
    w = {}
    for f in sorted(os.listdir(model)):
        if f.endswith(".safetensors") and f != "expected_logits.safetensors":
            w.update(safetensors_io.load(os.path.join(model, f)))
    return w


def transformers_logits(model, ids_list, device):
    from transformers import AutoModelForCausalLM
    try:
        m, info = AutoModelForCausalLM.from_pretrained(model, dtype=torch.float32, attn_implementation="eager", output_loading_info=True)
    except TypeError:
        m, info = AutoModelForCausalLM.from_pretrained(model, torch_dtype=torch.float32, attn_implementation="eager", output_loading_info=True)
    m = m.to(device).eval()
    problems = {k: sorted(v) for k, v in info.items() if v and k in ("missing_keys", "unexpected_keys", "mismatched_keys")}
    with torch.no_grad():
        out = [m(ids.unsqueeze(0).to(device)).logits[0].float().cpu() for ids in ids_list]
    return out, type(m).__name__, problems


def main(argv):
    device, report_path = argv[0], argv[1]
    expected_mode = "--expected" in argv
    entries = [a for a in argv[2:] if a != "--expected"]
    try:
        import transformers
        tf_version = transformers.__version__
    except ImportError:
        tf_version = None
    report = {"device": device, "torch": torch.__version__, "transformers": tf_version, "tolerance": TOLERANCE, "families": {}}
    ok_all = True
    for entry in entries:
        family, model, shear_file = entry.split(":")
        row = {"submodel": model}
        try:
            shear = safetensors_io.load(shear_file)
            n = row["sequences"] = len([k for k in shear if k.startswith("ids.")])
            ids_list = [shear[f"ids.{i}"].long() for i in range(n)]
            shear_logits = [shear[f"logits.{i}"].float() for i in range(n)]
            with open(os.path.join(model, "config.json")) as f:
                c = json.load(f)
            w = load_weights(model)
            if c["model_type"] == "gemma3":  # multimodal: the reference runs its language model (tensors under language_model.)
                c = c["text_config"]
                w = {k[len(MULTIMODAL_PREFIX):]: v for k, v in w.items() if k.startswith(MULTIMODAL_PREFIX)}
            with torch.no_grad():
                ref = [forward(c, w, ids.unsqueeze(0))[0].float() for ids in ids_list]
            row["reference_max_abs_diff"] = max(float((a - b).abs().max()) for a, b in zip(ref, shear_logits))
            row["logit_scale"] = max(float(b.abs().max()) for b in shear_logits)
            checks = [row["reference_max_abs_diff"] < TOLERANCE]
            if expected_mode:
                exp = safetensors_io.load(os.path.join(model, "expected_logits.safetensors"))
                row["expected_max_abs_diff"] = max(float((exp[f"logits.{i}"].float() - shear_logits[i]).abs().max()) for i in range(n))
                checks.append(row["expected_max_abs_diff"] < TOLERANCE)
            if tf_version is not None:
                tf, cls, problems = transformers_logits(model, ids_list, device)
                row["transformers_class"] = cls
                row["transformers_loading_problems"] = problems
                row["transformers_max_abs_diff"] = max(float((a - b).abs().max()) for a, b in zip(tf, shear_logits))
                checks.append(row["transformers_max_abs_diff"] < TOLERANCE and not problems)
            elif device.startswith("cuda"):
                row["error"] = "transformers is not importable on the GPU machine"
                checks.append(False)
            row["pass"] = all(checks)
        except Exception as e:  # one family's failure is reported, the others still run
            row["error"] = f"{type(e).__name__}: {e}"
            row["pass"] = False
        ok_all &= row["pass"]
        report["families"][family] = row
        parts = [f"{row.get('sequences')} sequences" if "error" not in row else row["error"]]
        if "transformers_max_abs_diff" in row:
            parts.append(f"transformers {row['transformers_class']} max |diff| {row['transformers_max_abs_diff']:.2e}"
                         + (f" LOADING {row['transformers_loading_problems']}" if row["transformers_loading_problems"] else ""))
        elif tf_version is None and "error" not in row:
            parts.append("transformers SKIPPED (not installed on this machine)")
        if "reference_max_abs_diff" in row:
            parts.append(f"reference forward max |diff| {row['reference_max_abs_diff']:.2e}")
        if "expected_max_abs_diff" in row:
            parts.append(f"committed expected logits max |diff| {row['expected_max_abs_diff']:.2e}")
        if "logit_scale" in row:
            parts.append(f"max |logit| {row['logit_scale']:.2f}")
        print(f"{'PASS' if row['pass'] else 'FAIL'} logits {family}: " + "; ".join(parts) + f" (tolerance {TOLERANCE:.0e})", flush=True)
    with open(report_path, "w") as f:
        json.dump(report, f, indent=1)
    return 0 if ok_all else 1


if __name__ == "__main__":
    if len(sys.argv) < 4:
        sys.exit(__doc__)
    sys.exit(main(sys.argv[1:]))
