#!/usr/bin/env bash
# Writes a large scenario in the plain table form, the form the fast reader takes (issue 15):
# examples/campus.json (5 sub-tasks, two device classes, distances drawn with a seed) with its
# population set to USERS, expanded with `coinfer expand`. The same USERS always give the same
# file. At 100,000 users it is 51 MB.
# Usage: scripts/make-large-scenario.sh COINFER USERS OUTPUT.json
#   e.g. scripts/make-large-scenario.sh build/app/coinfer 100000 /tmp/campus-100000.json
set -euo pipefail
if (( $# != 3 )); then
  echo "usage: $0 COINFER USERS OUTPUT.json" >&2
  exit 2
fi
coinfer=$1 users=$2 output=$3
here=$(cd "$(dirname "$0")/.." && pwd)
population=$(mktemp --suffix=.json)
trap 'rm -f "$population"' EXIT
grep -q '"count": 200' "$here/examples/campus.json" || { echo "$0: examples/campus.json no longer has \"count\": 200" >&2; exit 1; }
sed "s/\"count\": 200/\"count\": $users/" "$here/examples/campus.json" > "$population"
"$coinfer" expand "$population" --output "$output"
