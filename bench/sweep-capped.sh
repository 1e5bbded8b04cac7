#!/usr/bin/env bash
# A one-silo sweep of MODEL (wanda 50%, 8 x 256 tokens of builtin_text, no evaluation) with the silo under a memory
# cap, followed to the end by `shear sweep submit --watch`; prints the client's exit code and time, the silo's peak
# memory and bytes written (bench/capped.sh), and the Orleans long-turn warnings in the silo's log.
# usage (root, after `dotnet build -c Release Cluster.sln`): bench/sweep-capped.sh MODEL [CAP_GB] [KEEP: checkpoints|masks]
set -euo pipefail
cd "$(dirname "$0")/.."
model=$(realpath "$1"); cap=${2:-16}; keep=${3:-checkpoints}
work=$(mktemp -d /tmp/shear-sweep-capped.XXXX)
gateway=30077; silo_port=11177; health=8177; metrics=9477
bench/capped.sh "$cap" dotnet src/Silo/bin/Release/net10.0/shear-silo.dll --Shear:SiloPort=$silo_port --Shear:GatewayPort=$gateway \
  --Shear:HealthPort=$health --Shear:PrometheusPort=$metrics > "$work/silo.log" 2>&1 &
capped=$!
for _ in $(seq 120); do curl -sf http://127.0.0.1:$health/healthz/ready >/dev/null && break; sleep 1; done
cat > "$work/sweep.yaml" <<YAML
models: [$model]
calibrations: [builtin_text]
methods: [wanda]
patterns: [unstructured]
sparsity: 0.5
domains: []
keep: $keep
nsamples: 8
seqlen: 256
output: $work/out
data: $(pwd)/data
YAML
start=$(date +%s)
set +e
dotnet src/Client/bin/Release/net10.0/shear.dll sweep submit "$work/sweep.yaml" --id capped --watch --gateway 127.0.0.1:$gateway
rc=$?
set -e
echo "client: exit $rc after $(( $(date +%s) - start )) s"
curl -s http://127.0.0.1:$metrics/metrics | grep -E "^shear_(compute_busy|statistics_bytes|activation_bytes|layers_pruned)" || true
for pid in $(pgrep -f "shear-silo.dll --Shear:SiloPort=$silo_port"); do
  [ "$(cat /proc/$pid/comm 2>/dev/null)" = dotnet ] && kill "$pid"
done
wait $capped || true
tail -1 "$work/silo.log"
echo "long-turn warnings in the silo log: $(grep -c 'longer than' "$work/silo.log" || true)"
du -sh "$work/out"/*/* 2>/dev/null || true
rm -rf "$work"
