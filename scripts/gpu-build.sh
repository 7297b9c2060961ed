#!/usr/bin/env bash
# On a machine with an NVIDIA GPU, CUDA (with cuDNN), CMake and ninja but no Qt: builds coinfer
# and coinfer-profile into build-gpu (header-only packages from .deps/, see fetch-gpu-deps.sh).
# Prints the path of the coinfer program on its last line; exits non-zero when the build fails.
set -euo pipefail
cd "$(dirname "$0")/.."
prefix=()
[[ -d .deps/root/usr ]] && prefix=(-DCMAKE_PREFIX_PATH="$PWD/.deps/root/usr")
# cuDNN: the CUDA toolkit's, or else the one PyTorch's wheels bring (nvidia/cudnn/{include,lib}).
cudnn_root=$(scripts/find-cudnn.sh || true)
[[ -n "$cudnn_root" ]] && prefix+=(-DCOINFER_CUDNN_ROOT="$cudnn_root")
echo "cuDNN: ${cudnn_root:-in the CUDA toolkit}" >&2
cmake -S . -B build-gpu -G Ninja -DCMAKE_BUILD_TYPE=Release -DCOINFER_GUI=OFF -DBUILD_TESTING=OFF \
  -DCOINFER_BENCH=OFF -DCOINFER_CUDA=ON -DCOINFER_CUDA_ARCHITECTURES="${COINFER_ARCH:-native}" "${prefix[@]}" >&2
cmake --build build-gpu --target coinfer coinfer-profile -j "$(nproc)" >&2
echo "$PWD/build-gpu/app/coinfer"
