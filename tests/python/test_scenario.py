"""Scenarios in Python: reading, tables, batch curves, variants and bad input, each checked
against the file read independently with the json module."""

import json

import numpy as np
import pytest

import coinfer


def read_json(path):
    with open(path, encoding="utf-8") as file:
        return json.load(file)


def test_load_gives_the_file_users_and_tables(data_dir):
    path = data_dir / "good" / "three-users.json"
    document = read_json(path)
    scenario = coinfer.load(path)
    users = scenario.users
    assert list(users["id"]) == [user["id"] for user in document["users"]]
    assert list(users["deadline_ms"]) == [user["deadline_ms"] for user in document["users"]]
    assert np.array_equal(scenario.local_latency_ms, np.array([user["local_latency_ms"] for user in document["users"]]))
    assert np.array_equal(scenario.local_energy_mj, np.array([user["local_energy_mj"] for user in document["users"]]))
    assert list(scenario.subtasks["name"]) == [subtask["name"] for subtask in document["dnn"]["subtasks"]]


def test_device_models_expand_as_coinfer_expand_does(cli, classroom, examples):
    expanded = json.loads(cli("expand", examples / "classroom.json").stdout)
    assert list(classroom.users["id"]) == [user["id"] for user in expanded["users"]]
    assert list(classroom.users["uplink_rate_mbps"]) == [user["uplink_rate_mbps"] for user in expanded["users"]]
    assert np.array_equal(classroom.local_energy_mj, np.array([user["local_energy_mj"] for user in expanded["users"]]))
    assert np.array_equal(classroom.edge_latency_ms,
                          np.array([subtask["edge_latency_ms"] for subtask in expanded["dnn"]["subtasks"]]))


def test_batch_curves_follow_the_affine_model(campus, examples):
    subtasks = read_json(examples / "campus.json")["dnn"]["subtasks"]
    curves = campus.edge_latency_ms
    assert curves.shape == (len(subtasks), campus.max_batch)
    batch = np.arange(1, campus.max_batch + 1)
    for n, subtask in enumerate(subtasks):
        model = subtask["edge_affine_ms"]
        assert np.allclose(curves[n], model["alpha"] + model["beta"] * batch, rtol=1e-12)


def test_from_dict_equals_load(classroom, examples):
    again = coinfer.Scenario.from_dict(read_json(examples / "classroom.json"))
    assert again.to_json() == classroom.to_json()
    assert again.users.equals(classroom.users)


def test_from_dict_names_the_bad_field(data_dir):
    document = read_json(data_dir / "good" / "three-users.json")
    document["users"][1]["local_latency_ms"][2] = -1
    with pytest.raises(ValueError, match=r"notebook: users\[1\]\.local_latency_ms\[2\]: must be at least 0, not -1"):
        coinfer.Scenario.from_dict(document, name="notebook")
    document = read_json(coinfer_examples() / "classroom.json")
    del document["dnn"]
    with pytest.raises(ValueError, match=r"<dict>: dnn: is missing"):
        coinfer.Scenario.from_dict(document)


def coinfer_examples():
    from conftest import EXAMPLES

    return EXAMPLES


def bad_files(data_dir):
    for line in (data_dir / "bad" / "expected.tsv").read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            name, fragment = line.split("\t", 1)
            yield name, fragment


def test_bad_files_raise_value_error_naming_file_and_path(data_dir):
    checked = 0
    for name, fragment in bad_files(data_dir):
        path = data_dir / "bad" / name
        with pytest.raises(ValueError) as error:
            coinfer.load(path)
        message = str(error.value)
        assert name in message and fragment in message, f"{name}: {message}"
        checked += 1
    assert checked >= 20


def test_missing_file_is_an_os_error(tmp_path):
    with pytest.raises(OSError, match="no-such.json"):
        coinfer.load(tmp_path / "no-such.json")


def test_unknown_fields_are_warnings(examples):
    document = read_json(examples / "classroom.json")
    document["users"][0]["dedline_ms"] = 5
    scenario = coinfer.Scenario.from_dict(document)
    assert any("users[0].dedline_ms" in warning for warning in scenario.warnings)


def test_with_scales_deadlines_and_cuts_batch_curves(campus):
    tighter = campus.with_(deadline_scale=0.8, max_batch=16)
    assert np.allclose(tighter.users["deadline_ms"], 0.8 * campus.users["deadline_ms"], rtol=1e-12)
    assert tighter.max_batch == 16
    assert np.array_equal(tighter.edge_latency_ms, campus.edge_latency_ms[:, :16])
    assert campus.max_batch == 64  # the original is unchanged


def test_with_users_regenerates_the_population(campus):
    assert campus.with_(users=500).user_count == 500
    smaller = campus.with_(users=50)
    assert smaller.user_count == 50
    assert smaller.with_(users=50).to_json() == smaller.to_json()
    assert campus.with_(users=50, repeat=1).to_json() != smaller.to_json()


def test_with_users_on_a_table_takes_a_subset(classroom):
    subset = classroom.with_(users=5)
    assert subset.user_count == 5
    assert set(subset.users["id"]) <= set(classroom.users["id"])
    with pytest.raises(ValueError, match="users=9: the scenario is a table of 8 users"):
        classroom.with_(users=9)


def test_with_refuses_unknown_parameters_and_bad_values(campus):
    with pytest.raises(ValueError, match="unknown parameter 'speed'"):
        campus.with_(speed=2)
    with pytest.raises(ValueError, match="max_batch must be a whole number from 1"):
        campus.with_(max_batch=65)
    with pytest.raises(ValueError, match="must be positive"):
        campus.with_(deadline_scale=-1)


def test_with_applies_the_population_size_before_the_scales(campus):
    both = campus.with_(users=60, deadline_scale=0.8)
    grown = campus.with_(users=60)
    assert both.user_count == 60
    assert list(both.users["id"]) == list(grown.users["id"])
    assert np.allclose(both.users["deadline_ms"], 0.8 * grown.users["deadline_ms"], rtol=1e-12)
    assert both.to_json() == campus.with_(deadline_scale=0.8, users=60).to_json()
