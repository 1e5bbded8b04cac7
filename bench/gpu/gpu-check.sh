#!/usr/bin/env bash
# The GPU check (issue 24, deliver 5), in one go on the device machine (no .NET there, no network). DEVELOPERS.md
# says when and how to run it; bench/gpu/prepare.sh makes the one carried file, .gpu-carry/shear-gpu.tar.xz.
#
#   unpack      the self-contained publish (shear + Shear.Bench, ShearTorchBackend=external) and TorchSharp's glue sources
#   glue        libLibTorchSharp.so built against this machine's PyTorch (build_glue.py), put beside the app;
#               libtorch (+ CUDA libraries) found through LD_LIBRARY_PATH = torch/lib (+ nvidia/*/lib)
#   torch-load  Shear's logits of the dense llama fixture on the device = the committed reference logits, and
#               transformers' (TorchSharp really runs on that libtorch and device)
#   layer-bf16, layer-fp32
#               Shear's layer step (Wanda 50% unstructured and 2:4) on a LLaMA-7B-shaped layer (hidden 4096,
#               intermediate 11008, 32 heads), 128 x 2048 random tokens, timed, against locuslab's prune_wanda in
#               PyTorch (wanda_layer_reference.py), timed; masks compared entry by entry, differences explained
#   families    shear prune (wanda 50%, full checkpoint) of each family's fixture on the device; transformers loads
#               each sub-model; its logits, the reference forward's and Shear's compared (compare_logits.py)
#
# Each step prints PASS/FAIL/SKIP, runs under `timeout`, and a failure does not stop the others; the script ends with a
# summary table and exits 0 only when no step failed. Everything is also written to $OUT (report.md, results.json,
# gpu-check.log and the steps' JSON), at most 8 files.
#
# Usage: bench/gpu/gpu-check.sh [--cpu] [--only step,step]
#   --cpu   the same steps on a CPU machine with the CPU build's natives (libtorch-cpu 2.10 and TorchSharp's prebuilt
#           glue from the NuGet cache); the glue is not compiled (no libtorch 2.11 headers here: a CMake smoke test
#           against Debian's libtorch-dev instead), the layer is small, and transformers is skipped where it is not
#           installed (compare_logits.py says so); Debian's /usr/bin/python3 (python3-torch) runs the references.
# Environment: OUT (default .gpu-carry/out), GPU_CHECK_BUDGET_S (default 450: every step's limit is cut to what is left),
#   GPU_CHECK_PYTHON, GPU_CHECK_NSAMPLES / GPU_CHECK_SEQLEN (the 7B layer's calibration, default 128 x 2048).
set -uo pipefail

MODE=gpu
ONLY=""
while [ $# -gt 0 ]; do
  case "$1" in
    --cpu) MODE=cpu ;;
    --only) ONLY="$2"; shift ;;
    *) echo "usage: $0 [--cpu] [--only unpack,glue,torch-load,layer-bf16,layer-fp32,families]" >&2; exit 2 ;;
  esac
  shift
done

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$REPO"
export REPO MODE
export CARRY="$REPO/.gpu-carry"
export ARCHIVE="$CARRY/shear-gpu.tar.xz"
export WORK="${GPU_CHECK_WORK:-$CARRY/work}"
export OUT="${OUT:-$CARRY/out}"
export APP="$WORK/app"
export FIXTURES="$REPO/tests/Numerics.Tests/Fixtures/models"
export FAMILIES="llama mistral qwen2 gemma qwen3 gemma2 gemma3_text phi3 mixtral qwen3_moe gemma3"
mkdir -p "$OUT" "$WORK"
DEADLINE=$((SECONDS + ${GPU_CHECK_BUDGET_S:-450}))
: > "$OUT/gpu-check.log"
exec > >(tee -a "$OUT/gpu-check.log") 2>&1

if [ "$MODE" = gpu ]; then
  export PY="${GPU_CHECK_PYTHON:-python3}" DEV=cuda
  export NSAMPLES="${GPU_CHECK_NSAMPLES:-128}" SEQLEN="${GPU_CHECK_SEQLEN:-2048}" REPEATS=2
  export LAYER_CONFIG='{"model_type":"llama","hidden_size":4096,"intermediate_size":11008,"num_hidden_layers":1,"num_attention_heads":32,"num_key_value_heads":32,"vocab_size":32000,"max_position_embeddings":4096,"rms_norm_eps":1e-6,"rope_theta":10000.0,"tie_word_embeddings":false,"torch_dtype":"bfloat16","bos_token_id":1,"eos_token_id":2}'
  export LAYER_DIR="$WORK/layer7b"
else
  export PY="${GPU_CHECK_PYTHON:-/usr/bin/python3}" DEV=cpu
  export NSAMPLES="${GPU_CHECK_NSAMPLES:-8}" SEQLEN="${GPU_CHECK_SEQLEN:-128}" REPEATS=1
  export LAYER_CONFIG='{"model_type":"llama","hidden_size":256,"intermediate_size":688,"num_hidden_layers":1,"num_attention_heads":4,"num_key_value_heads":4,"vocab_size":1000,"max_position_embeddings":512,"rms_norm_eps":1e-6,"rope_theta":10000.0,"tie_word_embeddings":false,"torch_dtype":"bfloat16","bos_token_id":1,"eos_token_id":2}'
  export LAYER_DIR="$WORK/layer-small"
  export NUGET="${NUGET_PACKAGES:-$HOME/.nuget/packages}"
fi
export PYTHONUNBUFFERED=1

# --- where TorchSharp finds its natives -------------------------------------------------------------------------
# TorchSharp (Torch.cs LoadNativeBackend) first tries NativeLibrary.TryLoad("torch_cuda"/"torch_cpu", then
# "LibTorchSharp") next to its assembly and then through the system loader (LD_LIBRARY_PATH); only when that fails does
# it look for NuGet packages. So: the glue beside the app, libtorch on LD_LIBRARY_PATH.
if [ "$MODE" = gpu ]; then
  TORCH_LIB="$($PY -c 'import os, torch; print(os.path.join(os.path.dirname(torch.__file__), "lib"))' 2>/dev/null)"
  NV_LIBS="$($PY -c 'import glob, os, torch; r = os.path.dirname(os.path.dirname(torch.__file__)); print(":".join(sorted(glob.glob(os.path.join(r, "nvidia", "*", "lib")) + glob.glob(os.path.join(r, "nvidia", "*", "*", "lib")))))' 2>/dev/null)"
  export LD_LIBRARY_PATH="$TORCH_LIB${NV_LIBS:+:$NV_LIBS}${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
else
  export LD_LIBRARY_PATH="$NUGET/libtorch-cpu-linux-x64/2.10.0/runtimes/linux-x64/native${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
fi
# .NET needs ICU for culture data unless told to run invariant; a bare image may lack it.
if [ "${GPU_CHECK_INVARIANT:-}" = 1 ] || ! { ldconfig -p 2>/dev/null | grep -q libicuuc; }; then
  export DOTNET_SYSTEM_GLOBALIZATION_INVARIANT=1
fi

echo "=== GPU check, mode $MODE, $(date -u +%Y-%m-%dT%H:%M:%SZ), repo $(git -C "$REPO" rev-parse --short HEAD 2>/dev/null || echo '?')"
if [ "$MODE" = gpu ]; then
  nvidia-smi -L 2>&1 | head -4
  nvidia-smi --query-gpu=name,memory.total,clocks.sm,clocks.mem,temperature.gpu --format=csv,noheader 2>&1 | head -2
fi
$PY -c 'import sys, torch; print("python", sys.version.split()[0], "torch", torch.__version__, "cuda", torch.version.cuda, "gpu", torch.cuda.is_available())' 2>&1
$PY -c 'import transformers; print("transformers", transformers.__version__)' 2>&1 | tail -1
echo "cmake: $(cmake --version 2>/dev/null | head -1); nvcc: $(nvcc --version 2>/dev/null | tail -1); c++: $(c++ --version 2>/dev/null | head -1); cores $(nproc)"
echo "LD_LIBRARY_PATH=$LD_LIBRARY_PATH DOTNET_SYSTEM_GLOBALIZATION_INVARIANT=${DOTNET_SYSTEM_GLOBALIZATION_INVARIANT:-0}"

# --- steps -------------------------------------------------------------------------------------------------------
s_unpack() {
  [ -f "$ARCHIVE" ] || { echo "no $ARCHIVE: run bench/gpu/prepare.sh here and carry .gpu-carry/shear-gpu.tar.xz"; return 1; }
  rm -rf "$APP" "$WORK/torchsharp-native" "$WORK/MANIFEST"
  if command -v xz >/dev/null; then
    tar -xJf "$ARCHIVE" -C "$WORK" || return 1
  else
    python3 -c 'import sys, tarfile; tarfile.open(sys.argv[1]).extractall(sys.argv[2])' "$ARCHIVE" "$WORK" || return 1
  fi
  cat "$WORK/MANIFEST"
  echo "app: $(find "$APP" -type f | wc -l) files, $(du -sh "$APP" | cut -f1); glue sources: $(find "$WORK/torchsharp-native" -type f | wc -l) files"
  if find "$APP" \( -name 'libtorch*' -o -name 'libc10*' -o -name 'libLibTorchSharp*' \) | grep -q .; then
    echo "the publish holds libtorch natives or a glue: they must come from this machine"; return 1
  fi
  test -x "$APP/shear" && test -x "$APP/Shear.Bench"
}

s_glue() {
  if [ "$MODE" = cpu ]; then
    # The CPU build's glue (TorchSharp 0.107.0 for libtorch 2.10), patched by Shear at start-up where libstdc++ is old.
    cp "$NUGET/torchsharp/0.107.0/runtimes/linux-x64/native/libLibTorchSharp.so" "$APP/" || return 1
    echo "cpu: TorchSharp's prebuilt glue from the NuGet cache beside the app; libtorch-cpu 2.10 from the NuGet cache on LD_LIBRARY_PATH"
    if [ -d /usr/include/torch ] || /usr/bin/python3 -c 'import torch' 2>/dev/null; then
      /usr/bin/python3 bench/gpu/build_glue.py "$WORK/torchsharp-native" "$WORK/glue-smoke" /dev/null --smoke --jobs 1 2>&1 | tail -3
      [ "${PIPESTATUS[0]}" -eq 0 ] || return 1
    fi
    return 0
  fi
  local cache="$CARRY/glue-build/libLibTorchSharp.so" stamp="$CARRY/glue-build/built-for"
  local want; want="$($PY -c 'import torch; print(torch.__version__)')-$(sha1sum "$ARCHIVE" | cut -c1-12)"
  if [ -f "$cache" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$want" ]; then
    echo "reusing the glue built by an earlier call on this machine ($want)"
  else
    $PY bench/gpu/build_glue.py "$WORK/torchsharp-native" "$CARRY/glue-build" "$cache" --jobs "$(nproc)" || return 1
    echo "$want" > "$stamp"
  fi
  cp "$cache" "$APP/libLibTorchSharp.so" && ldd "$APP/libLibTorchSharp.so" | grep -E "torch|c10|not found"
  ! ldd "$APP/libLibTorchSharp.so" | grep -q "not found"
}

s_torch_load() {
  "$APP/Shear.Bench" logits "$DEV" fp32 "$FIXTURES/llama" "$FIXTURES/llama/expected_logits.safetensors" "$WORK/dense-llama.safetensors" || return 1
  $PY bench/gpu/compare_logits.py "$DEV" "$OUT/dense.json" "llama:$FIXTURES/llama:$WORK/dense-llama.safetensors" --expected
}

layer_step() { # DTYPE
  local dt=$1
  if [ ! -f "$LAYER_DIR/model.safetensors" ]; then
    "$APP/Shear.Bench" write-random "$LAYER_DIR" "$LAYER_CONFIG" bf16 || return 1
  fi
  "$APP/Shear.Bench" gpu-layer "$LAYER_DIR" "$WORK/layer-out" "$DEV" "$dt" "$NSAMPLES" "$SEQLEN" unstructured,2:4 "$REPEATS" || return 1
  $PY bench/gpu/wanda_layer_reference.py "$LAYER_DIR" "$WORK/layer-out" "$DEV" "$dt" unstructured,2:4 "$REPEATS" "$OUT/layer_$dt.json"
}
s_layer_bf16() { layer_step bf16; }
s_layer_fp32() { layer_step fp32; }

s_families() {
  local failed=0 args=() entries=()
  for fam in $FAMILIES; do
    if "$APP/shear" prune --model "$FIXTURES/$fam" --out "$WORK/families/$fam" --overwrite --calibration builtin_text \
        --nsamples 8 --seqlen 32 --device "$DEV" --dtype fp32 > "$WORK/prune-$fam.log" 2>&1; then
      echo "pruned $fam: $(grep -iE "sparsity" "$WORK/prune-$fam.log" | tail -1)"
      args+=("$WORK/families/$fam" "$FIXTURES/$fam/expected_logits.safetensors" "$WORK/families/$fam.logits.safetensors")
      entries+=("$fam:$WORK/families/$fam:$WORK/families/$fam.logits.safetensors")
    else
      echo "FAIL prune $fam:"; tail -5 "$WORK/prune-$fam.log"; failed=1
    fi
  done
  [ ${#args[@]} -gt 0 ] || return 1
  "$APP/Shear.Bench" logits "$DEV" fp32 "${args[@]}" || return 1
  $PY bench/gpu/compare_logits.py "$DEV" "$OUT/families.json" "${entries[@]}" || failed=1
  return $failed
}
export -f s_unpack s_glue s_torch_load layer_step s_layer_bf16 s_layer_fp32 s_families

STEPS=()
STATUS=()
TIMES=()
run_step() { # NAME LIMIT FUNCTION
  local name=$1 limit=$2 fn=$3
  if [ -n "$ONLY" ] && [[ ",$ONLY," != *",$name,"* ]]; then return; fi
  local left=$((DEADLINE - SECONDS - 15))
  STEPS+=("$name")
  if [ "$left" -lt 20 ]; then
    echo "FAIL $name: no time left in the budget"; STATUS+=("FAIL (no time left)"); TIMES+=(0); return
  fi
  [ "$limit" -gt "$left" ] && limit=$left
  echo
  echo "=== $name (limit ${limit} s) ==="
  local t0=$SECONDS rc
  timeout -k 5 "$limit" bash -c "$fn"
  rc=$?
  local dt=$((SECONDS - t0)) verdict
  case $rc in
    0) verdict=PASS ;;
    124|137) verdict="FAIL (timed out after ${limit} s)" ;;
    *) verdict="FAIL (exit $rc)" ;;
  esac
  echo "$verdict $name (${dt} s)"
  STATUS+=("$verdict")
  TIMES+=("$dt")
}

run_step unpack 60 s_unpack
run_step glue 300 s_glue
run_step torch-load 90 s_torch_load
run_step layer-bf16 150 s_layer_bf16
run_step layer-fp32 150 s_layer_fp32
run_step families 180 s_families

# --- summary -----------------------------------------------------------------------------------------------------
failed=0
{
  echo "# GPU check ($MODE), $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo
  [ "$MODE" = gpu ] && echo "Device: $(nvidia-smi --query-gpu=name --format=csv,noheader 2>/dev/null | head -1)"
  echo "Python/torch: $($PY -c 'import sys, torch; print(sys.version.split()[0], torch.__version__, "cuda", torch.version.cuda)' 2>/dev/null)"
  echo "Manifest: $(tr '\n' ' ' < "$WORK/MANIFEST" 2>/dev/null)"
  echo
  echo "| step | result | seconds |"
  echo "|---|---|---|"
  for i in "${!STEPS[@]}"; do echo "| ${STEPS[$i]} | ${STATUS[$i]} | ${TIMES[$i]} |"; done
  echo
  echo '```'
  grep -E "^(shear (unstructured|nm24)|PASS|FAIL|SKIP|\[glue\] (built|leaving|failed|FAIL))" "$OUT/gpu-check.log" | grep -v "^PASS [a-z0-9-]* ([0-9]* s)$" | grep -v "^FAIL [a-z0-9-]* ([0-9]* s)$"
  echo '```'
} > "$OUT/report.md.tmp"
python3 - "$OUT/results.json" "$MODE" "${#STEPS[@]}" "${STEPS[@]}" "${STATUS[@]}" "${TIMES[@]}" <<'PY'
import json, sys
path, mode, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
rest = sys.argv[4:]
steps = [{"step": rest[i], "result": rest[n + i], "seconds": int(rest[2 * n + i])} for i in range(n)]
json.dump({"mode": mode, "steps": steps, "pass": all(s["result"] == "PASS" for s in steps)}, open(path, "w"), indent=1)
PY
mv "$OUT/report.md.tmp" "$OUT/report.md"

echo
echo "=== summary ($MODE) ==="
for i in "${!STEPS[@]}"; do
  printf '%-12s %-34s %4s s\n' "${STEPS[$i]}" "${STATUS[$i]}" "${TIMES[$i]}"
  [ "${STATUS[$i]}" = PASS ] || failed=$((failed + 1))
done
if [ "$failed" -eq 0 ]; then echo "GPU CHECK PASS (${#STEPS[@]} steps)"; else echo "GPU CHECK FAIL ($failed of ${#STEPS[@]} steps failed)"; fi
echo "report: $OUT/report.md, $OUT/results.json, log $OUT/gpu-check.log"
[ "$failed" -eq 0 ]
