#!/usr/bin/env bash
# Checks that every C++ and CUDA source the repository tracks is formatted as .clang-format says
# (clang-format 14, Debian 12's). Prints each file that is not; exit 1 if any, 0 if none.
# To format: git ls-files '*.cpp' '*.h' '*.cu' '*.cuh' | xargs clang-format -i
set -euo pipefail
cd "$(dirname "$0")/.."
unformatted=0
while IFS= read -r file; do
  if ! clang-format --dry-run --Werror "$file" >/dev/null 2>&1; then
    echo "not formatted: $file (clang-format -i $file)"
    unformatted=1
  fi
done < <(git ls-files '*.cpp' '*.h' '*.cu' '*.cuh')
exit "$unformatted"
