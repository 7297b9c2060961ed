#!/usr/bin/env python3
"""Energy against the number of users on the campus, the first figure of docs/figures.md, from
a notebook's point of view: one sweep through the Python module, a pandas table of the means,
and a matplotlib figure. Run from the repository root after the build:

    PYTHONPATH=build/python python3 examples/notebook.py

Each line is the mean energy over the repeats whose plan meets every deadline (as
`coinfer sweep summarize` and scripts/plot_sweep.py take it), the band spans their minimum to
maximum, and a hollow circle marks a planner whose plan misses a deadline in every repeat.
The table is written as CSV always; the figure only where matplotlib is installed
(python3-matplotlib), else the script says so.
"""
import argparse
import pathlib

import coinfer


def values(text):
    """'50:400:50' (first:last:step) or '50,100'."""
    if ":" in text:
        first, last, step = (int(part) for part in text.split(":"))
        return range(first, last + 1, step)
    return [int(part) for part in text.split(",")]


def energy_table(rows):
    """Per users (rows) and planner (columns): mean, min and max over the feasible repeats."""
    feasible = rows[rows["feasible"]]
    return feasible.pivot_table(index="value", columns="algorithm", values="energy_mj", aggfunc=["mean", "min", "max"])


def draw(table, rows, path):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, axes = plt.subplots(figsize=(7, 4.5))
    for algorithm in rows["algorithm"].unique():
        if algorithm in table["mean"]:
            line, = axes.plot(table.index, table["mean"][algorithm], marker="o", label=algorithm)
            axes.fill_between(table.index, table["min"][algorithm], table["max"][algorithm], color=line.get_color(), alpha=0.2)
        else:
            late = rows[rows["algorithm"] == algorithm].groupby("value")["energy_mj"].mean()
            axes.plot(late.index, late, marker="o", linestyle="none", fillstyle="none", label=f"{algorithm} (misses deadlines)")
    axes.set_xlabel("users")
    axes.set_ylabel("total user energy (mJ)")
    axes.set_title("Energy against the number of users, campus")
    axes.legend()
    figure.savefig(path, dpi=120, bbox_inches="tight")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenario", default="examples/campus.json")
    parser.add_argument("--users", type=values, default=values("50:400:50"))
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--table", type=pathlib.Path, default=pathlib.Path("users-campus-means.csv"))
    parser.add_argument("--figure", type=pathlib.Path, default=pathlib.Path("users-campus.png"))
    args = parser.parse_args()

    campus = coinfer.load(args.scenario)
    rows = coinfer.sweep(campus, vary={"users": args.users}, repeats=args.repeats, jobs=args.jobs)
    table = energy_table(rows)
    table["mean"].to_csv(args.table)
    print(table["mean"].round(1).to_string())
    try:
        draw(table, rows, args.figure)
        print(f"figure: {args.figure}")
    except ImportError:
        print(f"matplotlib is not installed (apt-get install python3-matplotlib): no figure; the table is in {args.table}")


if __name__ == "__main__":
    main()
