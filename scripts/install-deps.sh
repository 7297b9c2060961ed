#!/usr/bin/env bash
# Installs the Debian/Ubuntu packages the build and tests need, skipping those already present.
# Usage: scripts/install-deps.sh [--with-fuzz]   (--with-fuzz, which the test command passes, adds clang and
# its sanitizer runtime, clang-tidy and clang-format for the size and format checks, and poppler-utils, whose
# pdftotext and pdfimages the report test reads PDFs with, and PyTorch, which the whole-model check compares with)
set -euo pipefail

# libonnx-dev for ONNX import (COINFER_ONNX); Debian's package does not pull in the protobuf headers it needs.
# libsimdjson-dev for the fast reader of large scenarios.
# libonnx-testdata: ONNX's own backend node tests, which test_onnxnodetests runs the CPU reference against.
# pybind11-dev and python3-dev build the Python module (COINFER_PYTHON, docs/python.md); python3-numpy and python3-pandas
# are its arrays and tables, python3-pytest runs its tests, python3-matplotlib draws examples/notebook.py's figure.
packages=(cmake ninja-build g++ pkg-config qt6-base-dev nlohmann-json3-dev libcli11-dev libeigen3-dev libbenchmark-dev libqcustomplot-dev qt6-svg-dev
          libonnx-dev libprotobuf-dev libonnx-testdata libsimdjson-dev python3
          pybind11-dev python3-dev python3-numpy python3-pandas python3-pytest python3-matplotlib)
if [[ "${1:-}" == "--with-fuzz" ]]; then
  # python3-torch and python3-torchvision for torch_whole_model_check: the CPU reference against PyTorch's own output.
  packages+=(clang libclang-rt-dev clang-tidy clang-format poppler-utils python3-torch python3-torchvision)
fi

missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if (( ${#missing[@]} == 0 )); then
  exit 0
fi

sudo=""
if [[ $(id -u) -ne 0 ]]; then
  sudo="sudo"
fi
echo "Installing: ${missing[*]}"
$sudo apt-get update -q
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends "${missing[@]}"
