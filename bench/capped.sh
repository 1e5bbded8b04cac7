#!/usr/bin/env bash
# Runs a command under a cgroup v1 memory cap (root only) and prints its peak memory, wall time and bytes written.
# usage: bench/capped.sh LIMIT_GB COMMAND [ARGS...]
#   e.g. bench/capped.sh 16 dotnet src/Client/bin/Release/net10.0/shear.dll prune --model /tmp/llama7b-random \
#          --nsamples 8 --seqlen 256 --calibration builtin_text --out /tmp/llama7b-wanda --overwrite
set -euo pipefail
limit_gb=$1; shift
group=/sys/fs/cgroup/memory/shear-bench-$$
mkdir "$group"
trap 'rmdir "$group" 2>/dev/null || true' EXIT
echo $((limit_gb * 1024 * 1024 * 1024)) > "$group/memory.limit_in_bytes"
echo 0 > "$group/memory.swappiness" 2>/dev/null || true
start=$(date +%s.%N)
set +e
bash -c 'echo $$ > '"$group"'/cgroup.procs; exec /usr/bin/time -v "$@"' _ "$@" 2> >(tee /tmp/capped-time.$$ >&2)
rc=$?
set -e
end=$(date +%s.%N)
wait
peak=$(cat "$group/memory.max_usage_in_bytes")
rss=$(grep "Maximum resident set size" /tmp/capped-time.$$ | awk '{print $6}')
blocks=$(grep "File system outputs" /tmp/capped-time.$$ | awk '{print $4}')
echo "exit $rc; wall $(echo "$end - $start" | bc) s; peak RSS $((rss / 1024)) MB; cgroup peak (incl. page cache) $((peak / 1024 / 1024)) MB; written $((blocks * 512 / 1000000)) MB; cap ${limit_gb} GB"
rm -f /tmp/capped-time.$$
exit $rc
