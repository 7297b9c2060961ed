#!/usr/bin/env bash
# On a GPU machine (see gpu-build.sh): checks and measures DNNs that are not built in, e.g.
# descriptions written by `coinfer dnn import`, and the start-up promises of docs/performance.md
# (coinfer loads no CUDA library).
#   1. `coinfer profile check` (every layer kind);
#   2. each DNN profiled twice (repeatability: `profile diff`), into OUTDIR/NAME-run{1,2}.json,
#      then `coinfer profile check --dnn` (each of its sub-tasks on the GPU against the CPU
#      reference, cut off after CHECK_TIMEOUT_S seconds, 150 by default);
#   3. the CLI links no CUDA library, its peak memory for --version, and what `coinfer profile`
#      says when coinfer-profile is missing.
# Usage: scripts/gpu-imported.sh OUTDIR MAX_BATCH REPETITIONS DNN.json...
set -uo pipefail
cd "$(dirname "$0")/.."
out=$1 max_batch=$2 repetitions=$3
shift 3
mkdir -p "$out"
started=$(date +%s)
coinfer=$(scripts/gpu-build.sh | tail -n 1) || { echo "THE BUILD FAILED"; exit 1; }
echo "build: $(( $(date +%s) - started )) s"
nvidia-smi --query-gpu=name,driver_version,clocks.sm,clocks.max.sm,power.limit --format=csv || true

echo "== start-up: what the CPU-only commands link and cost"
echo "CUDA libraries coinfer links: $(ldd "$coinfer" | grep -ciE 'cuda|cudnn|cublas')"
echo "CUDA libraries coinfer-profile links: $(ldd "$(dirname "$coinfer")/coinfer-profile" | grep -ciE 'cuda|cudnn|cublas')"
/usr/bin/time -f "coinfer --version: peak %M KB, %e s" "$coinfer" --version 2>&1 | tail -n 2
alone=$(mktemp -d) && cp "$coinfer" "$alone/"
"$alone/coinfer" profile check; echo "coinfer without coinfer-profile beside it: exit $?"

echo "== layer check"
"$coinfer" profile check > "$out/layer-check.txt"; echo "exit $?"
grep -E 'FAILED|^GPU' "$out/layer-check.txt"; tail -n 1 "$out/layer-check.txt"
for dnn in "$@"; do
  name=$(basename "$dnn" .json)
  echo "== $name"
  for run in 1 2; do
    t=$(date +%s)
    "$coinfer" profile --dnn "$dnn" --max-batch "$max_batch" --warmup 10 --repetitions "$repetitions" \
      --output "$out/$name-run$run.json" 2> >(tr '\r' '\n' | grep -v '^  [0-9]*/[0-9]* ' ; true) || echo "PROFILING $name FAILED"
    echo "$name run $run: $(( $(date +%s) - t )) s"
  done
  "$coinfer" profile diff "$out/$name-run1.json" "$out/$name-run2.json" | tail -n 1 || true
  "$coinfer" profile show "$out/$name-run1.json" || true
  # The CPU reference is the slow side (seconds per sub-task at 224x224): bounded.
  t=$(date +%s)
  timeout "${CHECK_TIMEOUT_S:-150}" "$coinfer" profile check --dnn "$dnn" > "$out/$name-check.txt" 2> >(tr '\r' '\n' | tail -n 2 >&2)
  echo "profile check --dnn: exit $?, $(( $(date +%s) - t )) s; $(grep -c ' ok$' "$out/$name-check.txt") comparisons ok, $(grep -c FAILED "$out/$name-check.txt") failed"
  grep FAILED "$out/$name-check.txt"; tail -n 1 "$out/$name-check.txt"
done
echo "total: $(( $(date +%s) - started )) s"
