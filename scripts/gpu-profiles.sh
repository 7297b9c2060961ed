#!/usr/bin/env bash
# On a machine with an NVIDIA GPU, CUDA (with cuDNN) and CMake, but no Qt: builds coinfer with
# the profiler, checks the GPU layers against the CPU reference, and measures every built-in DNN
# twice (to report repeatability). Results go to OUTDIR (default: resources/profiles/measured).
# Usage: scripts/gpu-profiles.sh [OUTDIR] [MAX_BATCH] [REPETITIONS]
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-resources/profiles/measured}
max_batch=${2:-32}
repetitions=${3:-30}
prefix=()
[[ -d .deps/root/usr ]] && prefix=(-DCMAKE_PREFIX_PATH="$PWD/.deps/root/usr")
# cuDNN: the CUDA toolkit's, or else the one PyTorch's wheels bring.
if [[ ! -f /usr/local/cuda/include/cudnn.h ]]; then
  cudnn_root=$(python3 -c 'import nvidia.cudnn, os; print(os.path.dirname(nvidia.cudnn.__file__))' 2>/dev/null || true)
  [[ -n "$cudnn_root" ]] && prefix+=(-DCOINFER_CUDNN_ROOT="$cudnn_root")
fi
cmake -S . -B build-gpu -G Ninja -DCMAKE_BUILD_TYPE=Release -DCOINFER_GUI=OFF -DBUILD_TESTING=OFF \
  -DCOINFER_BENCH=OFF -DCOINFER_CUDA=ON "${prefix[@]}"
cmake --build build-gpu --target coinfer -j "$(nproc)"
mkdir -p "$out"
nvidia-smi --query-gpu=name,driver_version,clocks.sm,clocks.max.sm --format=csv | tee "$out/nvidia-smi.txt" || true
build-gpu/app/coinfer profile check | tee "$out/layer-check.txt"
for dnn in mobilenetv2 resnet18 vgg16; do
  for run in 1 2; do
    build-gpu/app/coinfer profile --dnn "$dnn" --max-batch "$max_batch" --warmup 5 --repetitions "$repetitions" \
      --output "$out/$dnn-run$run.json"
  done
done
