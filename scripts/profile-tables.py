#!/usr/bin/env python3
"""Prints Markdown tables of GPU profiles (coinfer-gpu-profile files) for docs/gpu-profiles.md:
per sub-task the median latency at a few batch sizes and the fitted affine model, and, given a
PyTorch reference (scripts/torch-reference.py) and eager profiles, the whole-network totals.
Usage: scripts/profile-tables.py PROFILE.json... [--torch torch-reference.json] [--eager EAGER.json...]"""
import json
import sys

BATCHES = [1, 2, 4, 8, 16, 32]


def load(path):
    with open(path) as f:
        return json.load(f)


def curve_table(profile):
    batches = [b for b in BATCHES if b <= profile["max_batch"]]
    gpu = profile["gpu"]
    print(f"### {profile['dnn']} on {gpu['name']}\n")
    print(f"Measured {profile['measured_at']} with {profile['tool']}: {profile['method']['precision']}, "
          f"{profile['method']['launch']} launch, median of {profile['method']['repetitions']} runs after "
          f"{profile['method']['warmup']} warm-up; CUDA {gpu['cuda_runtime_version']}, cuDNN {gpu['cudnn_version']}, "
          f"cuBLAS {gpu['cublas_version']}. Milliseconds.\n")
    print("| n | sub-task | " + " | ".join(f"b={b}" for b in batches) + " | alpha | beta | R^2 |")
    print("| --- | --- | " + " | ".join("---:" for _ in batches) + " | ---: | ---: | ---: |")
    for n, s in enumerate(profile["subtasks"], 1):
        cells = " | ".join(f"{s['median_ms'][b - 1]:.4f}" for b in batches)
        a = s["affine"]
        print(f"| {n} | {s['name']} | {cells} | {a['alpha_ms']:.4f} | {a['beta_ms']:.5f} | {a['r2']:.3f} |")
    print()


def total(profile, b):
    return sum(s["median_ms"][b - 1] for s in profile["subtasks"])


def totals_table(profiles, eager, torch):
    batches = [int(b) for b in next(iter(torch["median_ms"]["cuda-graph"].values()))]
    print("| DNN | b | Coinfer, CUDA graphs (sum of sub-tasks) | PyTorch, CUDA graph | Coinfer, eager | PyTorch, eager |")
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    for p in profiles:
        name = p["dnn"]
        e = next((x for x in eager if x["dnn"] == name), None)
        for b in batches:
            row = [f"{total(p, b):.3f}", f"{torch['median_ms']['cuda-graph'][name][str(b)]:.3f}",
                   f"{total(e, b):.3f}" if e else "-", f"{torch['median_ms']['eager'][name][str(b)]:.3f}"]
            print(f"| {name} | {b} | " + " | ".join(row) + " |")
    print()


def main(argv):
    profiles, eager, torch, target = [], [], None, "profiles"
    for arg in argv:
        if arg in ("--torch", "--eager"):
            target = arg[2:]
        elif target == "torch":
            torch = load(arg)
        elif target == "eager":
            eager.append(load(arg))
        else:
            profiles.append(load(arg))
    for p in profiles:
        curve_table(p)
    if torch:
        totals_table(profiles, eager, torch)


if __name__ == "__main__":
    main(sys.argv[1:])
