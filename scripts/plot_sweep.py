#!/usr/bin/env python3
"""Plot `coinfer sweep` CSVs: energy (or saving, or gap) against the varied value, one line per planner.

Needs python3-matplotlib (Debian/Ubuntu: apt-get install python3-matplotlib) and the coinfer
executable. It is not needed to build or test Coinfer; docs/figures.md uses it to draw its figures.

    scripts/plot_sweep.py users.csv --output users.png --output users.svg
    scripts/plot_sweep.py a.csv b.csv --metric saving --title "..." --output both.png

Each CSV is one panel (side by side, sharing the legend). The numbers are those of
`coinfer sweep summarize` (core/sweep/sweepsummary.h), the summary the app's Sweep page draws too,
so the figures and the app cannot disagree: a line is the mean over the repeats of a (value,
planner) whose plan meets every deadline, and the shaded band spans their minimum to maximum
(absent where they agree); a value where no repeat was feasible breaks the line. Plans that miss
a deadline are not averaged in (their energy is not comparable: they can spend less than the
optimum); a hollow marker shows their own mean. Points where no planner could plan (energy
empty) are left out and named.

coinfer is found as --coinfer gives it, else $COINFER, else build-core/app/coinfer or
build/app/coinfer under the repository, else on the PATH.
"""
import argparse
import csv
import io
import math
import os
import shutil
import subprocess
import sys

# matplotlib is imported by main() only, so that the tests can read summaries without it.
plt = None


def load_matplotlib():
    global plt
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot
    plt = matplotlib.pyplot
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


def plain_formatter():
    """1, 2, 500, 20000 rather than 1.0 or 10^4."""
    from matplotlib.ticker import FuncFormatter
    return FuncFormatter(lambda v, _: f"{v:g}")

LABELS = {
    "users": "number of users M",
    "deadline_scale": "deadline scale (x every user's deadline)",
    "uplink_scale": "uplink rate scale (x every user's rate)",
    "bandwidth_mhz": "uplink bandwidth per user B (MHz)",
    "edge_scale": "edge latency scale (x every tau_n(b))",
    "tx_power_scale": "transmit power scale",
    "max_batch": "largest batch B_max",
}


REPOSITORY = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def find_coinfer(given):
    """The coinfer executable: GIVEN, $COINFER, a build under the repository, or the PATH."""
    candidates = [given, os.environ.get("COINFER")]
    candidates += [os.path.join(REPOSITORY, d, "app", "coinfer") for d in ("build-core", "build")]
    for candidate in candidates:
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    found = shutil.which("coinfer")
    if not found:
        sys.exit("plot_sweep.py: no coinfer executable found; give --coinfer PATH or set COINFER")
    return found


def read_sweep(path):
    """Returns (parameter, values where no planner could plan) of a sweep CSV."""
    unplannable = set()
    parameter = None
    with open(path, newline="", encoding="utf-8-sig") as f:
        for row in csv.DictReader(f):
            parameter = row["parameter"]
            if row["energy_mj"] == "":
                unplannable.add(float(row["value"]))  # a user late even alone: no plan
    if parameter is None:
        sys.exit(f"{path}: no rows")
    return parameter, unplannable


def optional_float(text):
    return float(text) if text != "" else math.nan


def summarize(coinfer, path, metric):
    """{algorithm: [summary rows by ascending value]} as `coinfer sweep summarize` gives them."""
    run = subprocess.run([coinfer, "sweep", "summarize", path, "--measure", metric],
                         capture_output=True, text=True, check=False)
    if run.returncode != 0:
        sys.exit(f"plot_sweep.py: {coinfer} sweep summarize {path}: {run.stderr.strip()}")
    summary = {}
    for row in csv.DictReader(io.StringIO(run.stdout)):
        summary.setdefault(row["algorithm"], []).append({
            "value": float(row["value"]),
            "feasible": int(row["feasible_repeats"]),
            "mean": optional_float(row["mean"]),
            "min": optional_float(row["min"]),
            "max": optional_float(row["max"]),
            "late": int(row["late_repeats"]),
            "late_mean": optional_float(row["late_mean"]),
        })
    return summary


YLABELS = {
    "energy": "total user energy (mJ)",
    "saving": "energy saved against local (%)",
    "gap": "gap to the strongest proven lower bound (%)",
}


def plot_panel(ax, coinfer, path, metric, logx, logy):
    parameter, unplannable = read_sweep(path)
    summary = summarize(coinfer, path, metric)
    for algorithm in sorted(summary, key=lambda a: ORDER.index(a) if a in ORDER else len(ORDER)):
        points = summary[algorithm]
        xs = [p["value"] for p in points]
        mean = [p["mean"] for p in points]  # NaN where no repeat was feasible: the line breaks
        style = STYLE.get(algorithm, dict(color=None, linestyle="-", marker="."))
        line, = ax.plot(xs, mean, label=algorithm, linewidth=1.8, markersize=5, **style)
        if any(p["feasible"] > 0 and p["max"] > p["min"] for p in points):
            ax.fill_between(xs, [p["min"] for p in points], [p["max"] for p in points],
                            color=line.get_color(), alpha=0.15, linewidth=0)
        late = [(p["value"], p["late_mean"]) for p in points if p["late"] > 0]
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
    ax.set_ylabel(YLABELS[metric])
    if logx:
        ax.set_xscale("log", base=2)
        ax.xaxis.set_major_formatter(plain_formatter())
    if logy:
        from matplotlib.ticker import LogLocator, NullFormatter
        ax.set_yscale("log")
        ax.yaxis.set_major_locator(LogLocator(subs=(1, 2, 5)))
        ax.yaxis.set_major_formatter(plain_formatter())
        ax.yaxis.set_minor_formatter(NullFormatter())
    elif metric == "energy":
        ax.set_ylim(bottom=0)
    ax.grid(True, alpha=0.3)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("csv", nargs="+", help="sweep CSVs, one panel each")
    parser.add_argument("--metric", choices=list(YLABELS), default="energy",
                        help="the number summarized (as coinfer sweep summarize --measure)")
    parser.add_argument("--coinfer", help="the coinfer executable (default: $COINFER, the build, the PATH)")
    parser.add_argument("--title", action="append", default=[],
                        help="a panel title (give once per CSV, in order)")
    parser.add_argument("--logx", action="store_true", help="logarithmic value axis (base 2, e.g. for B_max)")
    parser.add_argument("--logy", action="store_true", help="logarithmic energy axis")
    parser.add_argument("--output", action="append", required=True,
                        help="PNG, SVG or PDF file (may be given several times)")
    args = parser.parse_args()

    coinfer = find_coinfer(args.coinfer)
    load_matplotlib()
    n = len(args.csv)
    fig, axes = plt.subplots(1, n, figsize=(max(6.0, 5.2 * n), 4.2), squeeze=False)
    for i, path in enumerate(args.csv):
        plot_panel(axes[0][i], coinfer, path, args.metric, args.logx, args.logy)
        if i < len(args.title):
            axes[0][i].set_title(args.title[i], fontsize=10)
    handles, labels = axes[0][0].get_legend_handles_labels()
    handles.append(plt.Line2D([], [], linestyle="none", marker="o", markersize=9,
                              markerfacecolor="white", markeredgecolor="black"))
    labels.append("mean of the plans that miss a deadline")
    # The legend goes below the panels, so it never covers data.
    ncol = len(labels) if n > 1 else math.ceil(len(labels) / 2)
    rows = math.ceil(len(labels) / ncol)
    fig.legend(handles, labels, loc="lower center", ncol=ncol, frameon=False, fontsize=9)
    fig.tight_layout(rect=(0, 0.06 * rows + 0.02, 1, 1))
    for out in args.output:
        fig.savefig(out, dpi=110, metadata={"Date": None} if out.endswith(".svg") else None)


if __name__ == "__main__":
    main()
