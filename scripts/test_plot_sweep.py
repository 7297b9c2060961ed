#!/usr/bin/env python3
"""Checks that scripts/plot_sweep.py draws the numbers of the app's summary convention.

    scripts/test_plot_sweep.py path/to/coinfer examples/campus.json

Runs a small seeded sweep with coinfer, reads it back through plot_sweep.summarize (which calls
`coinfer sweep summarize`), and compares every point with a reference computed here, from the
CSV, independently of the C++ code: mean, min and max over the repeats whose plan meets every
deadline, with their count; late plans counted apart with their own mean; gaps against the
strongest bound any planner proved at the same (value, repeat). Needs no matplotlib.
Exit status 0 when every point agrees, 1 otherwise.
"""
import csv
import math
import os
import subprocess
import sys
import tempfile
from collections import defaultdict

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import plot_sweep  # noqa: E402


def reference(path, metric):
    """{algorithm: {value: point}} of the convention, straight from the sweep CSV."""
    with open(path, newline="", encoding="utf-8-sig") as f:
        rows = [r for r in csv.DictReader(f) if r["energy_mj"] != ""]  # planned rows only
    bound = defaultdict(float)
    for r in rows:
        if r["lower_bound_mj"] != "" and float(r["lower_bound_mj"]) > 0:
            key = (float(r["value"]), int(r["repeat"]))
            bound[key] = max(bound[key], float(r["lower_bound_mj"]))
    numbers = defaultdict(lambda: defaultdict(lambda: ([], [])))  # feasible, late
    for r in rows:
        key = (float(r["value"]), int(r["repeat"]))
        if metric == "energy":
            number = float(r["energy_mj"])
        elif metric == "saving":
            number = float(r["saving_percent"])
        elif key in bound:
            number = 100.0 * (float(r["energy_mj"]) - bound[key]) / bound[key]
        else:
            continue
        numbers[r["algorithm"]][key[0]][0 if r["feasible"] == "true" else 1].append(number)
    return numbers


def close(a, b):
    return (math.isnan(a) and math.isnan(b)) or abs(a - b) <= 1e-9 * max(1.0, abs(a), abs(b))


def check(coinfer, path, metric):
    problems = []
    expected = reference(path, metric)
    got = plot_sweep.summarize(coinfer, path, metric)
    if sorted(got) != sorted(expected):
        return [f"{metric}: planners {sorted(got)}, expected {sorted(expected)}"]
    for algorithm, points in got.items():
        if [p["value"] for p in points] != sorted(expected[algorithm]):
            problems.append(f"{metric} {algorithm}: values {[p['value'] for p in points]}")
            continue
        for p in points:
            feasible, late = expected[algorithm][p["value"]]
            mean = sum(feasible) / len(feasible) if feasible else math.nan
            late_mean = sum(late) / len(late) if late else math.nan
            want = (len(feasible), mean, min(feasible, default=math.nan), max(feasible, default=math.nan), len(late), late_mean)
            have = (p["feasible"], p["mean"], p["min"], p["max"], p["late"], p["late_mean"])
            if want[0] != have[0] or want[4] != have[4] or not all(close(a, b) for a, b in zip(want, have)):
                problems.append(f"{metric} {algorithm} at {p['value']:g}: got {have}, expected {want}")
    return problems


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    coinfer, scenario = sys.argv[1], sys.argv[2]
    with tempfile.TemporaryDirectory() as directory:
        path = os.path.join(directory, "sweep.csv")
        subprocess.run([coinfer, "sweep", scenario, "--vary", "users=10,20", "--repeats", "3", "--seed", "7",
                        "--algorithms", "local,no-batching,og,best", "--output", path],
                       check=True, stderr=subprocess.DEVNULL)
        with open(path, newline="") as f:
            late = sum(1 for r in csv.DictReader(f) if r["energy_mj"] != "" and r["feasible"] == "false")
        problems = [] if late > 0 else ["the sweep has no late plan: it does not exercise the convention"]
        for metric in ("energy", "saving", "gap"):
            problems += check(coinfer, path, metric)
    for problem in problems:
        print(problem)
    print("FAIL" if problems else "PASS")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
