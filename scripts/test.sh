#!/usr/bin/env bash
# Installs what is missing, builds, and runs every test: the core and CLI tests under
# AddressSanitizer and UndefinedBehaviorSanitizer (clang), a bounded fuzzing run of the scenario
# reader, and then the whole test suite in the normal build. FUZZ_SECONDS sets the fuzzing time.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh --with-fuzz
jobs=$(nproc)

echo "== Sanitizer build (clang, ASan + UBSan) and fuzzing"
cmake -S . -B build-asan -G Ninja -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCOINFER_GUI=OFF -DCOINFER_CUDA=OFF -DCOINFER_BENCH=OFF -DCOINFER_SANITIZE=ON -DCOINFER_FUZZ=ON >/dev/null
cmake --build build-asan -j "$jobs"
ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 ctest --test-dir build-asan --output-on-failure -j "$jobs"
corpus=$(mktemp -d)
cp tests/data/good/*.json tests/data/bad/*.json examples/*.json "$corpus"/
build-asan/fuzz/fuzz_scenario -max_total_time="${FUZZ_SECONDS:-60}" -rss_limit_mb=2048 -print_final_stats=1 "$corpus" 2>&1 | tail -n 3
rm -rf "$corpus"
corpus=$(mktemp -d)
cp tests/data/good/small-dnn.json tests/data/bad-dnn/*.json "$corpus"/
build-asan/app/coinfer dnn show mobilenetv2 --format json > "$corpus/mobilenetv2.json"
build-asan/fuzz/fuzz_dnn -max_total_time="${FUZZ_SECONDS:-60}" -rss_limit_mb=2048 -print_final_stats=1 "$corpus" 2>&1 | tail -n 3
rm -rf "$corpus"

echo "== Normal build: all tests"
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j "$jobs"
QT_QPA_PLATFORM=offscreen ctest --test-dir build --output-on-failure -j "$jobs"
