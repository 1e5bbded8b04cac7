#!/usr/bin/env bash
# A sweep on N silo processes (Redis on loopback), with the parallel scheduler or the one-at-a-time one; prints the
# wall time, each silo's device-worker busy seconds (shear_compute_busy_seconds_total: shards, mask steps and
# evaluations) and idle fraction (1 - busy / wall), and the mean serial seconds per layer (pruning.json's
# serial_seconds: reduce, masks, apply, write on the job's device) of the jobs.
# usage (after `dotnet build -c Release Cluster.sln`; redis-server from apt):
#   bench/sweep-schedule.sh SILOS parallel|serial [MODEL] [CALIBRATIONS] [DOMAINS] [NSAMPLES] [SEQLEN] [SHARDS]
set -euo pipefail
cd "$(dirname "$0")/.."
silos=$1; mode=$2; model=$(realpath "${3:-models/shear-tiny}")
calibrations=${4:-builtin_code,builtin_math,builtin_text}; domains=${5:-csr,ppl}; nsamples=${6:-64}; seqlen=${7:-256}; shards=${8:-0}
work=$(mktemp -d /tmp/shear-sweep-schedule.XXXX)
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
redis_port=$(free_port)
redis-server --port "$redis_port" --bind 127.0.0.1 --save '' --daemonize no > "$work/redis.log" 2>&1 &
redis_pid=$!
cluster="schedule-$$"
pids=(); metrics=()
for i in $(seq 0 $((silos - 1))); do
  health=$(free_port); prom=$(free_port)
  dotnet src/Silo/bin/Release/net10.0/shear-silo.dll --Shear:Redis=127.0.0.1:$redis_port --Shear:ClusterId=$cluster \
    --Shear:SiloPort=$(free_port) --Shear:GatewayPort=$(free_port) --Shear:HealthPort=$health --Shear:PrometheusPort=$prom \
    > "$work/silo$i.log" 2>&1 &
  pids+=($!); metrics+=($prom)
  for _ in $(seq 120); do curl -sf "http://127.0.0.1:$health/healthz/ready" >/dev/null && break; sleep 1; done
done
one_at_a_time=false; [ "$mode" = serial ] && one_at_a_time=true
cat > "$work/sweep.yaml" <<YAML
models: [$model]
calibrations: [$calibrations]
methods: [wanda]
patterns: [unstructured, "2:4"]
domains: [$domains]
eval_limit: 20
nsamples: $nsamples
seqlen: $seqlen
token_budget: 4096
shards: $shards
one_at_a_time: $one_at_a_time
output: $work/out
data: $(pwd)/data
YAML
start=$(date +%s.%N)
set +e
dotnet src/Client/bin/Release/net10.0/shear.dll sweep submit "$work/sweep.yaml" --id schedule --watch --redis 127.0.0.1:$redis_port --cluster-id $cluster > "$work/client.log" 2>&1
rc=$?
set -e
wall=$(python3 -c "import time; print(f'{time.time() - $start:.1f}')")
echo "silos $silos, $mode: client exit $rc, wall $wall s"
for i in "${!metrics[@]}"; do
  busy=$(curl -s "http://127.0.0.1:${metrics[$i]}/metrics" | awk '/^shear_compute_busy_seconds_total/ {s += $NF} END {printf "%.1f", s}')
  python3 -c "print(f'  silo $i: busy $busy s, idle fraction {1 - $busy / $wall:.2f}')"
done
python3 - "$work/out" <<'PY'
import json, pathlib, sys
layers = [l for p in pathlib.Path(sys.argv[1]).glob("*/*/pruning.json") for l in json.loads(p.read_text())["layers"]]
if layers:
    mean = lambda key: sum(l[key] for l in layers) / len(layers)
    print(f"  jobs' layers: {len(layers)}, job's serial step {mean('serial_seconds'):.3f} s/layer, whole mask step {mean('mask_seconds'):.3f} s/layer, whole layer {mean('seconds'):.3f} s/layer")
PY
echo "  long-turn warnings: $(cat "$work"/silo*.log | grep -c 'longer than' || true)"
kill "${pids[@]}" 2>/dev/null || true
wait "${pids[@]}" 2>/dev/null || true
kill $redis_pid 2>/dev/null || true
[ "$rc" = 0 ] || tail -5 "$work/client.log"
rm -rf "$work"
