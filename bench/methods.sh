#!/usr/bin/env bash
# Pruning methods on the built-in tiny model: for each method x (50%, 2:4, 70%), prune with builtin_text (32 x 256
# tokens), time it, and evaluate the held-out perplexity of each built-in domain (with its standard error); prints a
# markdown table.
# usage (after `dotnet build -c Release Cluster.sln`): bench/methods.sh [LIMIT] [METHODS...]
set -euo pipefail
cd "$(dirname "$0")/.."
limit=${1:-20}; shift || true
methods=${*:-magnitude wanda sparsegpt ria owl+wanda dsnot}
shear="dotnet src/Client/bin/Release/net10.0/shear.dll"
work=$(mktemp -d /tmp/shear-methods.XXXX)
row() { # label pattern seconds eval.json
  /usr/bin/python3 - "$@" <<'PY'
import json, sys
label, pattern, seconds, path = sys.argv[1:5]
r = [x for x in json.load(open(path))["results"] if x["benchmark"].startswith("ppl/")]
cells = " | ".join(f"{x['value']:.4g} ± {x['stderr']:.2g}" for x in r)
mean = sum(x["value"] for x in r) / len(r)
print(f"| {label} | {pattern} | {seconds} | {cells} | {mean:.2f} |")
PY
}
$shear eval --domains ppl --limit "$limit" --out "$work/dense.eval.json" > "$work/dense.eval.log"
header=$(/usr/bin/python3 -c "import json,sys; print(' | '.join(x['benchmark'][4:] for x in json.load(open(sys.argv[1]))['results'] if x['benchmark'].startswith('ppl/')))" "$work/dense.eval.json")
echo "| method | pattern | prune s | $header | mean |"
echo "|---|---|---|$(printf -- '---|%.0s' $(seq "$(echo "$header" | awk -F'|' '{print NF}')"))---|"
row dense - - "$work/dense.eval.json"
for method in $methods; do
  for pattern in "unstructured 0.5" "2:4 -" "unstructured 0.7"; do
    set -- $pattern
    args=(--pattern "$1"); [ "$2" != - ] && args+=(--sparsity "$2")
    out="$work/${method/+/-}-${1/:/of}-$2"
    start=$(date +%s.%N)
    $shear prune --method "$method" "${args[@]}" --calibration builtin_text --nsamples 32 --seqlen 256 --out "$out" > "$out.prune.log"
    seconds=$(printf '%.1f' "$(echo "$(date +%s.%N) - $start" | bc)")
    $shear eval --model "$out" --domains ppl --limit "$limit" --out "$out.eval.json" > "$out.eval.log"
    label=$1; [ "$2" != - ] && label="$(echo "$2 * 100" | bc | sed 's/\..*//')%"
    row "$method" "$label" "$seconds" "$out.eval.json"
  done
done
