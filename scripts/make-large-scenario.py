#!/usr/bin/env python3
"""Writes a large scenario for the scale measurements of docs/performance.md.

It is examples/campus.json (two device classes, a channel, distances and deadlines drawn with a
seed) with its population set to --users and, with --subtasks N, its five sub-tasks repeated
until there are N (names numbered), each with its FLOPs and edge latency scaled by 5/N so that the
whole DNN costs what the campus's does and deadlines stay reachable. The same arguments always
give the same file.

  --form population   the scenario as it is: the reader generates the users (a small file)
  --form table        the plain table form, written by `coinfer expand` (needs --coinfer);
                      at 100,000 users and 5 sub-tasks, 51 MB

Example: scripts/make-large-scenario.py --users 100000 --form table --coinfer build/app/coinfer \
             --output /tmp/campus-100000.json
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--users", type=int, required=True)
    parser.add_argument("--subtasks", type=int, default=0, help="repeat the campus's sub-tasks up to this many")
    parser.add_argument("--form", choices=["population", "table"], default="table")
    parser.add_argument("--coinfer", help="the coinfer program (for --form table)")
    parser.add_argument("--output", required=True)
    args = parser.parse_args()

    with open(os.path.join(ROOT, "examples", "campus.json")) as f:
        scenario = json.load(f)
    scenario["population"]["count"] = args.users
    if args.subtasks:
        base = scenario["dnn"]["subtasks"]
        scale = len(base) / args.subtasks
        subtasks = []
        for n in range(args.subtasks):
            entry = json.loads(json.dumps(base[n % len(base)]))
            entry["name"] = "%s #%d" % (entry["name"], n + 1)
            entry["flops"] = entry["flops"] * scale
            entry["edge_affine_ms"] = {k: v * scale for k, v in entry["edge_affine_ms"].items()}
            subtasks.append(entry)
        scenario["dnn"]["subtasks"] = subtasks

    if args.form == "population":
        with open(args.output, "w") as f:
            json.dump(scenario, f, indent=2)
            f.write("\n")
        return 0
    if not args.coinfer:
        parser.error("--form table needs --coinfer")
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
        json.dump(scenario, f, indent=2)
        population = f.name
    try:
        return subprocess.call([args.coinfer, "expand", population, "--output", args.output])
    finally:
        os.unlink(population)


if __name__ == "__main__":
    sys.exit(main())
