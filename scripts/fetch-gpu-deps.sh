#!/usr/bin/env bash
# Run here (with Debian's package lists) before a run on a GPU machine that has CUDA, CMake and
# ninja but no package registry: downloads the header-only packages the GUI-less build needs and
# unpacks them into .deps/ (ignored by git), which the device run carries.
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p .deps/debs
(cd .deps/debs && apt-get download nlohmann-json3-dev libeigen3-dev libcli11-dev)
for deb in .deps/debs/*.deb; do dpkg -x "$deb" .deps/root; done
echo "unpacked into .deps/root; configure with -DCMAKE_PREFIX_PATH=$PWD/.deps/root/usr"
