#!/usr/bin/env bash
# Installs what is missing, builds, and runs every test: the core and CLI tests under
# AddressSanitizer and UndefinedBehaviorSanitizer (clang), a bounded fuzzing run of every fuzz
# target from its seed corpus in fuzz/corpus/, and then the whole test suite in the normal build,
# which builds the Python module too (build/python) and runs its pytest suite (ctest -L python).
# The sanitizer build leaves the module out: Python would have to preload the sanitizer runtime.
# FUZZ_SECONDS sets the fuzzing time per target (default 45), FUZZ_JOBS how many run at once (2).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh --with-fuzz
jobs=$(nproc)

echo "== Sanitizer build (clang, ASan + UBSan) and fuzzing"
cmake -S . -B build-asan -G Ninja -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCOINFER_GUI=OFF -DCOINFER_CUDA=OFF -DCOINFER_BENCH=OFF -DCOINFER_SANITIZE=ON -DCOINFER_FUZZ=ON \
  -DCMAKE_COMPILE_WARNING_AS_ERROR=ON >/dev/null
cmake --build build-asan -j "$jobs"
ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 ctest --test-dir build-asan --output-on-failure -j "$jobs"
# Every fuzz target (one per fuzz/corpus/<target>/ folder) for FUZZ_SECONDS from its seed corpus
# with the dictionary fuzz/coinfer.dict, FUZZ_JOBS at a time (default 2: 7 targets x 45 s take
# about 3 minutes on 2 cores). New inputs go to a scratch folder, not the repository; a crash,
# leak, timeout (10 s) or out-of-memory (2 GB) fails the run, and its reproducer is kept in
# build-asan/fuzz-artifacts/.
echo "== Fuzzing: ${FUZZ_SECONDS:-45} s per target"
fuzz_out=$(mktemp -d)
rm -rf build-asan/fuzz-artifacts && mkdir -p build-asan/fuzz-artifacts
run_fuzzer() {
  local target=$1 rc=0
  mkdir -p "$fuzz_out/$target"
  build-asan/fuzz/fuzz_"$target" -max_total_time="${FUZZ_SECONDS:-45}" -max_len=65536 -rss_limit_mb=2048 -timeout=10 \
    -dict=fuzz/coinfer.dict -print_final_stats=1 -artifact_prefix="build-asan/fuzz-artifacts/$target-" \
    "$fuzz_out/$target" "fuzz/corpus/$target" >"$fuzz_out/$target.log" 2>&1 || rc=$?
  echo "$rc" >"$fuzz_out/$target.rc"
}
fuzz_targets=()
# A target not built (fuzz_onnx without ONNX) is skipped.
for dir in fuzz/corpus/*/; do
  [ -x "build-asan/fuzz/fuzz_$(basename "$dir")" ] && fuzz_targets+=("$(basename "$dir")")
done
for target in "${fuzz_targets[@]}"; do
  while [ "$(jobs -rp | wc -l)" -ge "${FUZZ_JOBS:-2}" ]; do wait -n || true; done
  run_fuzzer "$target" &
done
wait
fuzz_failed=0
for target in "${fuzz_targets[@]}"; do
  rc=$(cat "$fuzz_out/$target.rc" 2>/dev/null || echo missing)
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$fuzz_out/$target.log")
  cov=$(grep -oE 'cov: [0-9]+ ft: [0-9]+' "$fuzz_out/$target.log" | tail -n 1 || true)
  echo "fuzz_$target: exit $rc, ${runs:-?} runs, ${cov:-no coverage figures}"
  if [ "$rc" != 0 ]; then
    fuzz_failed=1
    grep -E 'FUZZ PROPERTY BROKEN|ERROR: |SUMMARY: |runtime error|Test unit written' "$fuzz_out/$target.log" | head -n 20 || true
  fi
done
rm -rf "$fuzz_out"
if [ "$fuzz_failed" != 0 ]; then
  echo "Fuzzing found a failure; reproducers: build-asan/fuzz-artifacts/ (run: build-asan/fuzz/fuzz_TARGET FILE)" >&2
  exit 1
fi

echo "== Normal build: all tests"
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_COMPILE_WARNING_AS_ERROR=ON >/dev/null
cmake --build build -j "$jobs"
QT_QPA_PLATFORM=offscreen ctest --test-dir build --output-on-failure -j "$jobs"

# The limits of docs/architecture.md (700 lines a file, 400 under app/, 80 a function) with
# clang-tidy on the normal build's compile database, and the formatting of .clang-format.
echo "== Size limits and formatting"
python3 scripts/check-sizes.py build
scripts/check-format.sh
