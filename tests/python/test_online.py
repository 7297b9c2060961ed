"""simulate_online, compare_online and import_onnx in Python against the command line."""

import json

import pytest

import coinfer


@pytest.fixture(scope="module")
def online(examples):
    return coinfer.load(examples / "online.json")


@pytest.mark.parametrize("policy", ["immediate", "threshold:0.4", "local"])
def test_simulate_online_equals_the_cli(cli, online, examples, policy):
    printed = json.loads(cli("simulate", examples / "online.json", "--policy", policy, "--episodes", "2", "--format", "json").stdout)
    result = coinfer.simulate_online(online, policy=policy, episodes=2)
    assert result["tasks"] == printed["tasks"] > 0
    assert result["misses"] == printed["deadline_misses"]
    assert result["energy_per_task_mj"] == printed["energy_per_task_mj"]
    assert result["mean_batch"] == printed["mean_batch_size"]
    assert result["gpu_busy"] == printed["gpu_utilisation"]
    assert result["saving_percent"] == printed["saving_percent"]


def test_simulate_online_refuses_bad_input(online, classroom):
    with pytest.raises(ValueError, match="online: is missing"):
        coinfer.simulate_online(classroom)
    with pytest.raises(ValueError, match="policy must be immediate"):
        coinfer.simulate_online(online, policy="threshold:2")
    with pytest.raises(ValueError, match="planner must be og or ip-ssa"):
        coinfer.simulate_online(online, planner="best")


def test_compare_online_equals_the_cli(cli, online, examples):
    run = cli("compare-online", examples / "online.json", "--episodes", "1", "--test-episodes", "1", "--format", "json")
    printed = json.loads(run.stdout)
    # One episode of training loses to the best fixed threshold: both say so, once per agent.
    cli_warnings = [line for line in run.stderr.splitlines() if "Training did not beat a fixed rule" in line]
    assert len(cli_warnings) == 2
    with pytest.warns(UserWarning, match="Training did not beat a fixed rule") as caught:
        table = coinfer.compare_online(online, episodes=1, test_episodes=1)
    assert len(caught) == len(cli_warnings)
    assert 'policy="threshold:0.30"' in str(caught[0].message)
    assert len(table) == len(printed) == 9
    for row, expected in zip(table.to_dict("records"), printed):
        for key, value in expected.items():
            assert row[key] == value or (value is None and row[key] is None), (key, row, expected)


def test_import_onnx_equals_dnn_import(cli, data_dir):
    if not coinfer._coinfer.onnx_available():
        pytest.skip("built without ONNX")
    model = data_dir / "onnx" / "resnet18.onnx"
    assert coinfer.import_onnx(model) == json.loads(cli("dnn", "import", model).stdout)
    with pytest.raises(ValueError, match="not-json.json: not an ONNX model"):
        coinfer.import_onnx(data_dir / "bad" / "not-json.json", name="x")


def test_simulate_online_with_a_trained_policy_equals_the_cli(cli, online, examples, tmp_path):
    policy = tmp_path / "policy.json"
    cli("train", examples / "online.json", "--episodes", "1", "--output", policy)
    spec = f"ddpg:{policy}"
    printed = json.loads(cli("simulate", examples / "online.json", "--policy", spec, "--episodes", "2", "--format", "json").stdout)
    result = coinfer.simulate_online(online, policy=spec, episodes=2)
    assert (result["tasks"], result["misses"], result["energy_per_task_mj"]) == (
        printed["tasks"], printed["deadline_misses"], printed["energy_per_task_mj"])
    with pytest.raises(ValueError, match="trained to dispatch for og, not for planner ip-ssa"):
        coinfer.simulate_online(online, policy=spec, planner="ip-ssa")
    with pytest.raises(ValueError, match="input_element_bytes must be 1 or 4"):
        coinfer.import_onnx(policy, input_element_bytes=2)
