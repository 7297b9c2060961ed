"""plan, verify and compare in Python against the command line's files and tables."""

import json
import math
import re

import numpy as np
import pytest

import coinfer


@pytest.mark.parametrize("example", ["classroom.json", "campus.json"])
@pytest.mark.parametrize("algorithm", ["local", "ip-ssa", "og", "best"])
def test_plan_json_is_the_cli_plan_file(cli, examples, tmp_path, example, algorithm):
    scenario = coinfer.load(examples / example)
    output = tmp_path / "plan.json"
    cli("plan", examples / example, "--algorithm", algorithm, "--output", output)
    planned = coinfer.plan(scenario, algorithm=algorithm)
    assert planned.to_json().encode("utf-8") == output.read_bytes()


def test_plan_fields_and_tables_match_the_plan_file(campus):
    planned = coinfer.plan(campus, "best")
    document = json.loads(planned.to_json())
    assert planned.energy_mj == document["total_energy_mj"]
    assert planned.feasible is document["feasible"] is True
    assert planned.lower_bound_mj == document["lower_bound_mj"]
    assert planned.gap_percent == pytest.approx(document["gap_percent"], abs=1e-9)
    assert planned.proven_optimal == document["proven_optimal"]
    assert planned.search_end == document["search_end"]
    users = planned.users
    assert list(users["id"]) == [user["id"] for user in document["users"]]
    assert list(users["partition"]) == [user["partition"] for user in document["users"]]
    assert users["energy_mj"].sum() == pytest.approx(planned.energy_mj, rel=1e-12)
    batches = planned.batches
    assert len(batches) == len(document["batches"])
    assert [list(ids) for ids in batches["users"]] == [batch["users"] for batch in document["batches"]]
    assert (batches["size"] <= campus.max_batch).all()
    # every batch runs after the previous one on the one GPU
    assert np.all(batches["start_ms"].to_numpy()[1:] >= batches["end_ms"].to_numpy()[:-1] - 1e-9)


def test_plan_refuses_bad_arguments(classroom):
    with pytest.raises(ValueError, match="unknown algorithm 'fast'"):
        coinfer.plan(classroom, "fast")
    with pytest.raises(ValueError, match="time_limit_ms applies to best, exact, og and ip-ssa only"):
        coinfer.plan(classroom, "local", time_limit_ms=10)
    with pytest.raises(ValueError, match="positive number"):
        coinfer.plan(classroom, "best", time_limit_ms=-1)


def test_a_user_late_even_alone_is_an_infeasible_error(examples):
    with open(examples / "classroom.json", encoding="utf-8") as file:
        document = json.load(file)
    document["users"][2]["deadline_ms"] = 0.001
    scenario = coinfer.Scenario.from_dict(document)
    with pytest.raises(coinfer.InfeasibleError, match=document["users"][2]["id"]):
        coinfer.plan(scenario, "og")


def test_exact_is_proven_optimal_on_the_classroom(classroom):
    exact = coinfer.plan(classroom, "exact", time_limit_ms=20000)
    best = coinfer.plan(classroom, "best")
    assert exact.proven_optimal and exact.search_end == "completed"
    assert best.energy_mj >= exact.energy_mj * (1 - 1e-9)
    assert exact.gap_percent == pytest.approx(0, abs=1e-6)


def test_verify_agrees_with_the_cli(cli, classroom, examples, tmp_path):
    planned = coinfer.plan(classroom, "og")
    assert coinfer.verify(classroom, planned).feasible
    document = json.loads(planned.to_json())
    # Moving the first batch to time 0 breaks the upload it waits for.
    first = document["batches"][0]
    first["end_ms"] -= first["start_ms"]
    first["start_ms"] = 0
    broken = tmp_path / "broken.json"
    broken.write_text(json.dumps(document), encoding="utf-8")
    result = coinfer.verify(classroom, broken)
    ran = cli("verify", examples / "classroom.json", broken, check=False)
    assert not result.feasible and ran.returncode != 0
    assert all(message in ran.stdout for message in result.violations)
    with pytest.raises(ValueError, match=r"users\[0\]"):
        del document["users"][0]["partition"]
        coinfer.verify(classroom, json.dumps(document))


def cli_compare_rows(text):
    rows = {}
    for line in text.splitlines()[1:]:
        fields = line.split()
        if len(fields) == 8 and fields[0] in ("local", "full-offload", "no-batching", "ip-ssa", "og", "best", "exact"):
            rows[fields[0]] = fields
    return rows


def test_compare_matches_the_cli_table(cli, classroom, examples):
    table = coinfer.compare(classroom)
    printed = cli("compare", examples / "classroom.json").stdout
    rows = cli_compare_rows(printed)
    assert list(table["algorithm"]) == ["local", "full-offload", "no-batching", "ip-ssa", "og", "best", "exact"]
    for row in table.itertuples():
        fields = rows[row.algorithm]
        assert f"{row.energy_mj:.3f}" == fields[1]
        assert f"{row.saving_percent:.2f}" == fields[2]
        assert str(int(row.batches)) == fields[3]
        assert ("yes" if row.feasible else "NO") == fields[4]
        assert (f"{row.gap_percent:.2f}" if math.isfinite(row.gap_percent) else "-") == fields[7]
    recommended = re.search(r"^recommended: (\S+)$", printed, re.M).group(1)
    assert table.attrs["recommended"] == recommended
