#!/usr/bin/env bash
# Pruning methods on the built-in tiny model: for each method x (50%, 2:4, 70%), prune with builtin_text (32 x 256
# tokens), time it, and evaluate the held-out perplexity of each built-in domain; prints a markdown table.
# usage (after `dotnet build -c Release Cluster.sln`): bench/methods.sh [LIMIT] [METHODS...]
set -euo pipefail
cd "$(dirname "$0")/.."
limit=${1:-20}; shift || true
methods=${*:-magnitude wanda sparsegpt ria}
shear="dotnet src/Client/bin/Release/net10.0/shear.dll"
work=$(mktemp -d /tmp/shear-methods.XXXX)
echo "| method | pattern | prune s | ppl per built-in domain (limit $limit windows) | mean |"
echo "|---|---|---|---|---|"
for method in $methods; do
  for pattern in "unstructured 0.5" "2:4 -" "unstructured 0.7"; do
    set -- $pattern
    args=(--pattern "$1"); [ "$2" != - ] && args+=(--sparsity "$2")
    out="$work/$method-${1/:/of}-$2"
    start=$(date +%s.%N)
    $shear prune --method "$method" "${args[@]}" --calibration builtin_text --nsamples 32 --seqlen 256 --out "$out" > "$out.prune.log"
    seconds=$(echo "$(date +%s.%N) - $start" | bc)
    $shear eval --model "$out" --domains ppl --limit "$limit" --out "$out.eval.json" > "$out.eval.log"
    domains=$(grep -E '^\| ppl \| ppl/' "$out.eval.log" | awk -F'|' '{gsub(/ /,"",$3); gsub(/ /,"",$5); printf "%s %s, ", $3, $5}' | sed 's/, $//')
    mean=$(grep -E '^ppl [0-9]' "$out.eval.log" | awk '{print $2}')
    label=$1; [ "$2" != - ] && label="$1 $2"
    printf '| %s | %s | %.1f | %s | %s |\n' "$method" "$label" "$seconds" "$domains" "$mean"
  done
done
$shear eval --domains ppl --limit "$limit" --out "$work/dense.eval.json" > "$work/dense.eval.log"
echo "| dense | - | - | $(grep -E '^\| ppl \| ppl/' "$work/dense.eval.log" | awk -F'|' '{gsub(/ /,"",$3); gsub(/ /,"",$5); printf "%s %s, ", $3, $5}' | sed 's/, $//') | $(grep -E '^ppl [0-9]' "$work/dense.eval.log" | awk '{print $2}') |"
