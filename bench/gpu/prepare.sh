#!/usr/bin/env bash
# Builds what bench/gpu/gpu-check.sh needs on the GPU machine (no .NET there, no network) into the ignored
# .gpu-carry/shear-gpu.tar.xz, the one path the device call carries:
#   app/               a self-contained linux-x64 publish of the shear CLI (src/Client) and bench/Bench, built with
#                      -p:ShearTorchBackend=external: TorchSharp's managed assembly only, no libtorch and no glue
#                      (gpu-check.sh builds the glue there against the machine's PyTorch and points TorchSharp at it);
#   torchsharp-native/ TorchSharp's native glue sources (src/Native) at the commit of its 0.107.0 release, taken with
#                      git archive from a mirror of github.com/dotnet/TorchSharp (never committed to Shear).
# Prints the sizes and fails when the working tree that travels plus the archive would exceed the device call's 64 MiB.
#
# Usage: bench/gpu/prepare.sh            (TORCHSHARP_MIRROR=path/to/bare/TorchSharp.git to use another mirror)
set -euo pipefail
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$REPO"

# TorchSharp 0.107.0: its NuGet package (files dated 2026-05-07) was built from the release-notes commit of that day
# (build/BranchInfo.props says 0.107.0 there). The managed assembly's P/Invokes must match these sources.
TORCHSHARP_COMMIT=c20b6a1cc574d690707638a488d2583f3b8b983f
TORCHSHARP_MIRROR="${TORCHSHARP_MIRROR:-/work/.mirror/dotnet+TorchSharp/repo}"
LIMIT_BYTES=$((64 * 1024 * 1024))   # the device call: working tree + carried paths
MARGIN_BYTES=$((1024 * 1024))       # room for files made between prepare and the call
CARRY="$REPO/.gpu-carry"
ARCHIVE="$CARRY/shear-gpu.tar.xz"
SCRATCH="${GPU_PREPARE_SCRATCH:-${TMPDIR:-/tmp}/shear-gpu-prepare}"
STAGE="$SCRATCH/stage"

if ! git --git-dir="$TORCHSHARP_MIRROR" cat-file -e "$TORCHSHARP_COMMIT^{commit}" 2>/dev/null; then
  echo "prepare: no TorchSharp mirror with commit $TORCHSHARP_COMMIT at $TORCHSHARP_MIRROR" >&2
  echo "         (bring one with the fetch tool, github:dotnet/TorchSharp, or set TORCHSHARP_MIRROR)" >&2
  exit 2
fi

rm -rf "$STAGE"
mkdir -p "$STAGE/app" "$CARRY"
rm -f "$ARCHIVE"

echo "prepare: publishing shear (src/Client) and bench/Bench, self-contained linux-x64, ShearTorchBackend=external"
for project in src/Client/Client.csproj bench/Bench/Bench.csproj; do
  # A separate artifacts path: the CPU build's bin/ and obj/ (other backend, no RID) are left alone.
  if ! dotnet publish "$project" -c Release -r linux-x64 --self-contained true -p:ShearTorchBackend=external \
      --artifacts-path "$SCRATCH/artifacts" -o "$STAGE/app" -nologo >"$SCRATCH/publish.log" 2>&1; then
    grep -E " error |rror\(s\)" "$SCRATCH/publish.log" | head -20 >&2 || tail -20 "$SCRATCH/publish.log" >&2
    echo "prepare: publish of $project failed (log: $SCRATCH/publish.log)" >&2
    exit 1
  fi
done

# The glue and libtorch come from the GPU machine: none may travel (an old glue beside the app would be loaded first).
natives=$(cd "$STAGE/app" && find . \( -name 'libtorch*' -o -name 'libc10*' -o -name 'libLibTorchSharp*' -o -name 'libgomp*' -o -name 'libcudnn*' \) -print)
if [ -n "$natives" ]; then
  echo "prepare: the publish holds libtorch natives, which must come from the GPU machine:" >&2
  echo "$natives" >&2
  exit 1
fi
rm -f "$STAGE"/app/*.pdb

# Not used by the check, dropped to fit the budget (and their entries taken out of the deps.json files, which the
# .NET host checks): SkiaSharp's native library (pictures), the debugger and tracing libraries, the standalone GCs,
# and Roslyn (Orleans' packages list their code generator as a run-time dependency; nothing loads it at run time).
python3 - "$STAGE/app" <<'PY'
import json, os, sys
app = sys.argv[1]
drop = {"libSkiaSharp.so", "libmscordaccore.so", "libmscordbi.so", "createdump", "libcoreclrtraceptprovider.so",
        "libclrgc.so", "libclrgcexp.so", "Microsoft.CodeAnalysis.dll", "Microsoft.CodeAnalysis.Workspaces.dll"}
freed = 0
for name in sorted(drop):
    path = os.path.join(app, name)
    if os.path.exists(path):
        freed += os.path.getsize(path)
        os.remove(path)
for deps in (f for f in os.listdir(app) if f.endswith(".deps.json")):
    with open(os.path.join(app, deps)) as f:
        d = json.load(f)
    for target in d["targets"].values():
        for lib in target.values():
            for kind in ("runtime", "native"):
                for asset in [a for a in lib.get(kind, {}) if os.path.basename(a) in drop]:
                    del lib[kind][asset]
    with open(os.path.join(app, deps), "w") as f:
        json.dump(d, f, indent=2)
print(f"prepare: dropped {len(drop)} files unused by the check ({freed / 1048576:.1f} MiB): {', '.join(sorted(drop))}")
PY

git --git-dir="$TORCHSHARP_MIRROR" archive --format=tar --prefix=torchsharp-native/ "$TORCHSHARP_COMMIT" src/Native LICENSE.txt THIRD-PARTY-NOTICES.TXT \
  | tar -x -C "$STAGE"
{
  echo "shear_commit=$(git rev-parse HEAD)$(git diff --quiet HEAD -- src bench || echo '+local-changes')"
  echo "torchsharp_commit=$TORCHSHARP_COMMIT"
  echo "torchsharp_package=0.107.0"
  echo "made=$(date -u +%Y-%m-%dT%H:%M:%SZ)"
} > "$STAGE/MANIFEST"

echo "prepare: compressing (xz)"
tar -C "$STAGE" -cf - MANIFEST app torchsharp-native | xz -9 -T2 > "$ARCHIVE.tmp"
mv "$ARCHIVE.tmp" "$ARCHIVE"
cp "$STAGE/MANIFEST" "$CARRY/MANIFEST"

app_bytes=$(du -sb "$STAGE/app" | cut -f1)
src_bytes=$(du -sb "$STAGE/torchsharp-native" | cut -f1)
archive_bytes=$(stat -c %s "$ARCHIVE")
# What the device call sends besides the carried archive: tracked files and untracked files git does not ignore.
tree_bytes=$(git ls-files -z --cached --others --exclude-standard | xargs -0 -r stat -c %s 2>/dev/null | awk '{s+=$1} END {print s+0}')
total=$((tree_bytes + archive_bytes))
mib() { awk -v b="$1" 'BEGIN {printf "%.1f MiB", b / 1048576}'; }
echo "prepare: app $(mib "$app_bytes") uncompressed ($(find "$STAGE/app" -type f | wc -l) files), glue sources $(mib "$src_bytes")"
echo "prepare: archive $ARCHIVE $(mib "$archive_bytes")"
echo "prepare: working tree that travels $(mib "$tree_bytes") + archive = $(mib "$total") of $(mib "$LIMIT_BYTES") (margin $(mib "$MARGIN_BYTES"))"
rm -rf "$STAGE"
[ "${GPU_PREPARE_KEEP_ARTIFACTS:-0}" = 1 ] || rm -rf "$SCRATCH"
if [ "$total" -gt $((LIMIT_BYTES - MARGIN_BYTES)) ]; then
  echo "prepare: FAIL over budget by $(mib $((total - LIMIT_BYTES + MARGIN_BYTES)))" >&2
  exit 1
fi
echo "prepare: OK (carry .gpu-carry/shear-gpu.tar.xz)"
