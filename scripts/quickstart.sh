#!/usr/bin/env bash
# Installs what is missing, builds, and plans the built-in classroom example (printed as a table).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build --target coinfer
./build/app/coinfer compare examples/classroom.json
echo
./build/app/coinfer plan examples/classroom.json --algorithm og --format table
