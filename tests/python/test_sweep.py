"""sweep in Python against `coinfer sweep`'s CSV, and with_() against the sweep's points."""

import pandas
import pytest

import coinfer


def without_times(table):
    return table.drop(columns=["time_ms"])


def test_sweep_equals_the_cli_csv(cli, campus, examples, tmp_path):
    output = tmp_path / "sweep.csv"
    cli("sweep", examples / "campus.json", "--vary", "users=40:80:40", "--repeats", "2", "--jobs", "2",
        "--algorithms", "local,ip-ssa,og,best", "--output", output)
    expected = pandas.read_csv(output)
    table = coinfer.sweep(campus, vary={"users": range(40, 81, 40)}, repeats=2, jobs=2, algorithms=["local", "ip-ssa", "og", "best"])
    assert list(table.columns) == ["parameter", "value", "repeat", "algorithm", "energy_mj", "local_energy_mj", "saving_percent",
                                   "feasible", "batches", "lower_bound_mj", "gap_percent", "time_ms"]
    pandas.testing.assert_frame_equal(without_times(table), without_times(expected), check_exact=True)


def test_sweep_points_are_the_with_variants(campus):
    table = coinfer.sweep(campus, vary={"deadline_scale": [1.0, 1.5]}, algorithms="og")
    for row in table.itertuples():
        variant = campus.with_(deadline_scale=row.value)
        assert coinfer.plan(variant, "og").energy_mj == row.energy_mj
    table = coinfer.sweep(campus, vary={"users": [60]}, algorithms="og", repeats=2, seed=7)
    for row in table.itertuples():
        variant = campus.with_(users=60, repeat=row.repeat, seed=7)
        assert coinfer.plan(variant, "og").energy_mj == row.energy_mj


def test_sweep_refuses_bad_requests(campus, classroom):
    with pytest.raises(ValueError, match="unknown parameter 'speed'"):
        coinfer.sweep(campus, vary={"speed": [1]})
    with pytest.raises(ValueError, match="vary must name one parameter"):
        coinfer.sweep(campus, vary={"users": [50], "max_batch": [8]})
    with pytest.raises(ValueError, match="the value 50 is given twice"):
        coinfer.sweep(campus, vary={"users": [50, 50]})
    with pytest.raises(ValueError, match="users=20: the scenario is a table of 8 users"):
        coinfer.sweep(classroom, vary={"users": [4, 20]})
    with pytest.raises(ValueError, match="unknown algorithm 'fastest'"):
        coinfer.sweep(campus, vary={"users": [50]}, algorithms="og,fastest")
