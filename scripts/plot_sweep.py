#!/usr/bin/env python3
"""Plot `coinfer sweep` CSVs: energy (or saving) against the varied value, one line per planner.

Needs python3-matplotlib (Debian/Ubuntu: apt-get install python3-matplotlib). It is not needed
to build or test Coinfer; docs/figures.md uses it to draw its figures.

    scripts/plot_sweep.py users.csv --output users.png --output users.svg
    scripts/plot_sweep.py a.csv b.csv --metric saving --title "..." --output both.png

Each CSV is one panel (side by side, sharing the legend). A line is the mean over the repeats
of a (value, planner); the shaded band spans the repeats' minimum to maximum (absent where the
repeats agree). A hollow marker means at least one repeat's plan missed a deadline (feasible =
false); points where no planner could plan (energy empty) are left out.
"""
import argparse
import csv
import math
import sys
from collections import defaultdict

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.ticker import FuncFormatter, LogLocator, NullFormatter  # noqa: E402

plt.rcParams["svg.fonttype"] = "none"  # text stays text: smaller SVGs
plt.rcParams["svg.hashsalt"] = "coinfer"  # the same CSV gives the same SVG

# Colours in the spirit of the app's palette (widgets/charts/palette.h): grey for computing
# locally, orange for the plan without batching, greens and blues for the batching planners.
STYLE = {
    "local": dict(color="#808080", linestyle="-", marker="s"),
    "full-offload": dict(color="#9467bd", linestyle="-", marker="v"),
    "no-batching": dict(color="#d9822b", linestyle="-", marker="^"),
    "ip-ssa": dict(color="#4e9a3a", linestyle="-", marker="o"),
    "og": dict(color="#4682b4", linestyle="-", marker="D"),
    "best": dict(color="#1a2f5a", linestyle="--", marker="x"),
    "exact": dict(color="#000000", linestyle=":", marker="+"),
}
ORDER = list(STYLE)
PLAIN = FuncFormatter(lambda v, _: f"{v:g}")  # 1, 2, 500, 20000 rather than 1.0 or 10^4

LABELS = {
    "users": "number of users M",
    "deadline_scale": "deadline scale (x every user's deadline)",
    "uplink_scale": "uplink rate scale (x every user's rate)",
    "bandwidth_mhz": "uplink bandwidth per user B (MHz)",
    "edge_scale": "edge latency scale (x every tau_n(b))",
    "tx_power_scale": "transmit power scale",
    "max_batch": "largest batch B_max",
}


def read_sweep(path):
    """Returns (parameter, {algorithm: {value: [(energy, saving, feasible)]}}, unplannable values)."""
    rows = defaultdict(lambda: defaultdict(list))
    unplannable = set()
    parameter = None
    with open(path, newline="") as f:
        for row in csv.DictReader(f):
            parameter = row["parameter"]
            if row["energy_mj"] == "":
                unplannable.add(float(row["value"]))
                continue  # no planner could plan this point (a user late even alone)
            rows[row["algorithm"]][float(row["value"])].append(
                (float(row["energy_mj"]), float(row["saving_percent"]), row["feasible"] == "true"))
    if parameter is None:
        sys.exit(f"{path}: no rows")
    return parameter, rows, unplannable


def plot_panel(ax, path, metric, logx, logy):
    parameter, data, unplannable = read_sweep(path)
    column = 0 if metric == "energy" else 1
    for algorithm in sorted(data, key=lambda a: ORDER.index(a) if a in ORDER else len(ORDER)):
        points = sorted(data[algorithm].items())
        xs = [x for x, _ in points]
        ys = [[r[column] for r in rs] for _, rs in points]
        mean = [sum(y) / len(y) for y in ys]
        style = STYLE.get(algorithm, dict(color=None, linestyle="-", marker="."))
        line, = ax.plot(xs, mean, label=algorithm, linewidth=1.8, markersize=5, **style)
        if any(max(y) > min(y) for y in ys):
            ax.fill_between(xs, [min(y) for y in ys], [max(y) for y in ys],
                            color=line.get_color(), alpha=0.15, linewidth=0)
        late = [(x, m) for (x, rs), m in zip(points, mean) if not all(r[2] for r in rs)]
        if late:
            ax.plot([x for x, _ in late], [m for _, m in late], linestyle="none", marker="o",
                    markersize=9, markerfacecolor="white", markeredgecolor=line.get_color(),
                    zorder=3)
            ax.plot([x for x, _ in late], [m for _, m in late], linestyle="none",
                    **{k: v for k, v in style.items() if k != "linestyle"}, markersize=5, zorder=4)
    if unplannable:
        values = ", ".join(f"{v:g}" for v in sorted(unplannable))
        ax.text(0.02, 0.02, f"no plan at {values}:\na user is late even computing alone",
                transform=ax.transAxes, fontsize=8, color="#b22222", va="bottom")
    ax.set_xlabel(LABELS.get(parameter, parameter))
    ax.set_ylabel("total user energy (mJ)" if metric == "energy" else "energy saved against local (%)")
    if logx:
        ax.set_xscale("log", base=2)
        ax.xaxis.set_major_formatter(PLAIN)
    if logy:
        ax.set_yscale("log")
        ax.yaxis.set_major_locator(LogLocator(subs=(1, 2, 5)))
        ax.yaxis.set_major_formatter(PLAIN)
        ax.yaxis.set_minor_formatter(NullFormatter())
    elif metric == "energy":
        ax.set_ylim(bottom=0)
    ax.grid(True, alpha=0.3)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("csv", nargs="+", help="sweep CSVs, one panel each")
    parser.add_argument("--metric", choices=["energy", "saving"], default="energy")
    parser.add_argument("--title", action="append", default=[],
                        help="a panel title (give once per CSV, in order)")
    parser.add_argument("--logx", action="store_true", help="logarithmic value axis (base 2, e.g. for B_max)")
    parser.add_argument("--logy", action="store_true", help="logarithmic energy axis")
    parser.add_argument("--output", action="append", required=True,
                        help="PNG, SVG or PDF file (may be given several times)")
    args = parser.parse_args()

    n = len(args.csv)
    fig, axes = plt.subplots(1, n, figsize=(max(6.0, 5.2 * n), 4.2), squeeze=False)
    for i, path in enumerate(args.csv):
        plot_panel(axes[0][i], path, args.metric, args.logx, args.logy)
        if i < len(args.title):
            axes[0][i].set_title(args.title[i], fontsize=10)
    handles, labels = axes[0][0].get_legend_handles_labels()
    handles.append(plt.Line2D([], [], linestyle="none", marker="o", markersize=9,
                              markerfacecolor="white", markeredgecolor="black"))
    labels.append("misses a deadline (some repeat)")
    # The legend goes below the panels, so it never covers data.
    ncol = len(labels) if n > 1 else math.ceil(len(labels) / 2)
    rows = math.ceil(len(labels) / ncol)
    fig.legend(handles, labels, loc="lower center", ncol=ncol, frameon=False, fontsize=9)
    fig.tight_layout(rect=(0, 0.06 * rows + 0.02, 1, 1))
    for out in args.output:
        fig.savefig(out, dpi=110, metadata={"Date": None} if out.endswith(".svg") else None)


if __name__ == "__main__":
    main()
