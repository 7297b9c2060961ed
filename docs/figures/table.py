#!/usr/bin/env python3
"""Prints a Markdown table of mean savings from `coinfer sweep summarize --measure saving` outputs:
one row per swept value, one column per LABEL=SUMMARY.csv:PLANNER. A mean over no feasible
repeat prints as "late". docs/figures.md's tables are this script's output, checked by
scripts/check-docs.py.
Usage: table.py --key "MHz per user" "campus: best=bandwidth.csv:best" ..."""
import argparse
import csv


def read_means(path, planner):
    """{value text: mean text or None} of one planner in one summary CSV, in file order."""
    means = {}
    with open(path, newline="") as summary:
        for row in csv.DictReader(summary):
            if row["algorithm"] == planner:
                means[row["value"]] = row["mean"] or None
    return means


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--key", required=True, help="the first column's header (the swept parameter)")
    parser.add_argument("columns", nargs="+", help="LABEL=SUMMARY.csv:PLANNER")
    args = parser.parse_args()
    labels, columns = [], []
    for column in args.columns:
        label, source = column.split("=", 1)
        path, planner = source.rsplit(":", 1)
        labels.append(label)
        columns.append(read_means(path, planner))
    values = []
    for means in columns:
        values += [value for value in means if value not in values]
    values.sort(key=float)
    print("| " + " | ".join([args.key] + labels) + " |")
    print("| " + " | ".join(["---"] * (len(labels) + 1)) + " |")
    for value in values:
        cells = [f"{float(m[value]):.1f}%" if m.get(value) else ("late" if value in m else "-") for m in columns]
        print("| " + " | ".join([value] + cells) + " |")


if __name__ == "__main__":
    main()
