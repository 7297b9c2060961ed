#!/usr/bin/env bash
# Installs what is missing, builds, and starts the desktop app on the built-in classroom example.
# Without a display it plans the example on the command line instead and saves a screenshot of
# the app (rendered offscreen) to build/classroom.png.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build --target coinfer coinfer-gui
if [[ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]]; then
  exec ./build/app/coinfer-gui "$@"
fi
echo "No display: planning the classroom example on the command line."
./build/app/coinfer compare examples/classroom.json
echo
./build/app/coinfer plan examples/classroom.json --algorithm og --format table
QT_QPA_PLATFORM=offscreen ./build/app/coinfer-gui --screenshot build/classroom.png 2>/dev/null \
  && echo "A screenshot of the app on this example: build/classroom.png"
