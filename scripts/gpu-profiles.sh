#!/usr/bin/env bash
# On a machine with an NVIDIA GPU, CUDA (with cuDNN) and CMake, but no Qt: builds coinfer with
# the profiler, checks the GPU layers against the CPU reference, and measures every built-in DNN
# twice (to report repeatability). Writes OUTDIR/DNN-run1.json and -run2.json; the rest goes to
# stdout. Usage: scripts/gpu-profiles.sh [OUTDIR] [MAX_BATCH] [REPETITIONS] [COINFER]
# COINFER, if given, is a coinfer binary to use when the build here fails (with its coinfer-profile
# beside it: `coinfer profile` runs that program).
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-resources/profiles/measured}
max_batch=${2:-32}
repetitions=${3:-50}
fallback=${4:-}
mkdir -p "$out"

if ! coinfer=$(scripts/gpu-build.sh | tail -n 1); then
  [[ -n "$fallback" ]] || exit 1
  echo "THE BUILD FAILED; measuring with $fallback instead"
  coinfer=$fallback
fi

nvidia-smi --query-gpu=name,driver_version,clocks.sm,clocks.max.sm,power.limit --format=csv || true
"$coinfer" profile check || echo "THE LAYER CHECK FAILED (exit $?)"
for dnn in mobilenetv2 resnet18 vgg16; do
  for run in 1 2; do
    started=$(date +%s)
    # The progress line (carriage returns) is cut to its last state.
    "$coinfer" profile --dnn "$dnn" --max-batch "$max_batch" --warmup 10 --repetitions "$repetitions" --launch "${COINFER_LAUNCH:-graph}" \
      --output "$out/$dnn-run$run.json" 2> >(tr '\r' '\n' | grep -v '^  [0-9]*/[0-9]* ' ; true) \
      || echo "PROFILING $dnn FAILED"
    echo "$dnn run $run: $(( $(date +%s) - started )) s"
  done
  "$coinfer" profile diff "$out/$dnn-run1.json" "$out/$dnn-run2.json" | tail -n 1 || true
done
"$coinfer" profile show "$out/resnet18-run1.json" || true
