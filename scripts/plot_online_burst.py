#!/usr/bin/env python3
"""Plot one online episode over a burst: the learned policy's dispatch threshold and dispatches
against time, beside a fixed threshold rule, from `coinfer simulate --record` CSVs.

Needs python3-matplotlib. It is not needed to build or test Coinfer; docs/online.md uses it.

    coinfer simulate examples/online-bursty.json --policy ddpg:og.json --episodes 1 --seed 2000001 --record ddpg.csv
    coinfer simulate examples/online-bursty.json --policy threshold:0.3 --episodes 1 --seed 2000001 --record fixed.csv
    scripts/plot_online_burst.py ddpg.csv fixed.csv --from 0 --to 4000 --output burst.png

Top panel: tasks released per slot, with the MMPP's burst state shaded (the simulator knows it,
the policies do not). Lower panels, one per CSV: the pool's smallest slack share (grey), the
policy's threshold (line) and each dispatch (tick).

--summary prints instead, for each CSV and the window, the mean threshold over the slots with a
waiting pool in the quiet state (0) and in the others, the share of those quiet slots with a
threshold below 0.1, and the dispatches: the figures docs/online.md quotes (no matplotlib).
"""
import argparse
import csv


def read(path):
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


def summary(label, rows):
    quiet, burst, dispatches = [], [], 0
    for r in rows:
        dispatches += r["dispatched"] == "1"
        if r["threshold"] and int(r["pool"]) > 0 and r["mmpp_state"] != "":
            (quiet if r["mmpp_state"] == "0" else burst).append(float(r["threshold"]))

    def mean(values):
        return "%.3f" % (sum(values) / len(values)) if values else "-"

    low = "%.0f%%" % (100.0 * sum(v < 0.1 for v in quiet) / len(quiet)) if quiet else "-"
    print(f"{label}: mean threshold quiet {mean(quiet)} ({len(quiet)} slots with a pool, {low} of them below 0.1), "
          f"burst {mean(burst)} ({len(burst)} slots); {dispatches} dispatches")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("learned", help="--record CSV of the learned policy")
    parser.add_argument("fixed", help="--record CSV of the fixed rule")
    parser.add_argument("--labels", nargs=2, default=["DDPG-OG", "best fixed threshold (OG)"])
    parser.add_argument("--from", dest="start", type=float, default=0)
    parser.add_argument("--to", dest="end", type=float, default=float("inf"))
    parser.add_argument("--output", action="append")
    parser.add_argument("--summary", action="store_true", help="print the thresholds' figures instead of plotting")
    args = parser.parse_args()

    runs = [[r for r in read(p) if args.start <= float(r["slot_ms"]) < args.end] for p in (args.learned, args.fixed)]
    if args.summary:
        for label, rows in zip(args.labels, runs):
            summary(label, rows)
        return
    if not args.output:
        parser.error("give --output FILE (or --summary)")
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    plt.rcParams["svg.fonttype"] = "none"
    plt.rcParams["svg.hashsalt"] = "coinfer"
    fig, axes = plt.subplots(3, 1, figsize=(10, 7), sharex=True, gridspec_kw={"height_ratios": [1, 1.4, 1.4]})
    first = runs[0]
    t = [float(r["slot_ms"]) for r in first]
    axes[0].bar(t, [int(r["arrivals"]) for r in first], width=5, color="#555555", label="tasks released")
    burst_start = None
    for r in first + [None]:
        state = r["mmpp_state"] if r else ""
        now = float(r["slot_ms"]) if r else t[-1] + 5
        if state not in ("", "0") and burst_start is None:
            burst_start = now
        elif state in ("", "0") and burst_start is not None:
            for ax in axes:
                ax.axvspan(burst_start, now, color="#f4a582", alpha=0.3, lw=0)
            burst_start = None
    axes[0].set_ylabel("released\nper 5 ms slot")
    axes[0].set_title("shaded: the burst state (hidden from the policies)", fontsize=9)
    for ax, rows, label in zip(axes[1:], runs, args.labels):
        tt = [float(r["slot_ms"]) for r in rows]
        ax.plot(tt, [float(r["min_slack_share"]) if int(r["pool"]) > 0 else float("nan") for r in rows], color="#999999", lw=0.8,
                label="smallest slack share in the pool")
        ax.plot(tt, [float(r["threshold"]) if r["threshold"] else float("nan") for r in rows], color="#2166ac", lw=1.5,
                label="threshold")
        ticks = [x for x, r in zip(tt, rows) if r["dispatched"] == "1"]
        ax.vlines(ticks, -0.08, -0.02, color="#b2182b", lw=1, label="dispatch (%d)" % len(ticks))
        ax.set_ylim(-0.1, 1.05)
        ax.set_ylabel(label)
        ax.legend(loc="upper right", fontsize=7, ncol=3)
    axes[-1].set_xlabel("time in the episode (ms)")
    fig.tight_layout()
    for out in args.output:
        fig.savefig(out, dpi=110)


if __name__ == "__main__":
    main()
