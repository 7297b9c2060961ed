"""examples/notebook.py runs, and its table is `coinfer sweep summarize`'s feasible means."""

import csv
import os
import subprocess
import sys

import pandas
import pytest


def test_notebook_table_equals_sweep_summarize(cli, examples, tmp_path):
    table, figure = tmp_path / "means.csv", tmp_path / "figure.png"
    done = subprocess.run([sys.executable, str(examples / "notebook.py"), "--scenario", str(examples / "campus.json"),
                           "--users", "50,100", "--repeats", "2", "--table", str(table), "--figure", str(figure)],
                          capture_output=True, text=True, env=os.environ, timeout=300)
    assert done.returncode == 0, done.stderr
    try:
        import matplotlib  # noqa: F401
        assert figure.stat().st_size > 0
    except ImportError:
        assert "matplotlib is not installed" in done.stdout
    means = pandas.read_csv(table, index_col="value")

    sweep = tmp_path / "sweep.csv"
    cli("sweep", examples / "campus.json", "--vary", "users=50,100", "--repeats", "2", "--output", sweep)
    summary = cli("sweep", "summarize", sweep).stdout
    checked = 0
    for row in csv.DictReader(summary.splitlines()):
        if row["mean"]:
            assert means.loc[float(row["value"]), row["algorithm"]] == pytest.approx(float(row["mean"]), rel=1e-12), row
            checked += 1
        else:  # no feasible repeat: the notebook has no mean either
            assert row["algorithm"] not in means.columns or pandas.isna(means.loc[float(row["value"]), row["algorithm"]])
    assert checked >= 6
