"""Coinfer in Python: the planners, bounds, sweeps, online simulator and ONNX import of
Coinfer's Qt-free C++ core, with pandas tables (docs/python.md).

    import coinfer
    campus = coinfer.load("examples/campus.json")
    plan = coinfer.plan(campus, algorithm="best")
    print(plan.energy_mj, plan.gap_percent, plan.users.head())
    table = coinfer.sweep(campus, vary={"users": range(50, 501, 50)}, repeats=5, jobs=2)

Every long call runs without holding the GIL and stops on Ctrl-C (KeyboardInterrupt). Bad input
raises ValueError with the command line's message (file, field path, problem); a user who
cannot meet its deadline even alone raises InfeasibleError (a ValueError).
"""

import json as _json
import warnings as _warnings

from . import _coinfer
from ._coinfer import InfeasibleError
from ._tables import frame as _frame
from ._tables import pandas_module as _pandas

__version__ = _coinfer.__version__
__all__ = [
    "InfeasibleError", "Scenario", "Plan", "Verification", "load", "plan", "compare", "sweep", "verify",
    "simulate_online", "compare_online", "import_onnx",
]


class Scenario:
    """A scenario (docs/formats.md#scenario): users, the DNN's sub-tasks and its batch curves.

    Read one with load(path) or Scenario.from_dict(d); make variants with with_(...).
    """

    def __init__(self, data):
        self._data = data

    @classmethod
    def from_dict(cls, document, name="<dict>"):
        """The scenario a file holding the JSON of `document` would give; messages name `name`.

        Relative file names inside (a DNN description, a GPU profile, a trace) resolve against
        the working directory.
        """
        try:
            text = _json.dumps(document, allow_nan=False)
        except (TypeError, ValueError) as error:
            raise ValueError(f"{name}: not a JSON document: {error}") from None
        return cls(_coinfer.parse_scenario(text, name))

    @classmethod
    def from_json(cls, text, name="<json>"):
        """The scenario of a scenario file's text."""
        return cls(_coinfer.parse_scenario(text, name))

    @property
    def name(self):
        return self._data.name

    @property
    def warnings(self):
        """The reader's warnings (unknown fields), as the command line prints them."""
        return list(self._data.warnings)

    @property
    def user_count(self):
        return self._data.user_count

    @property
    def max_batch(self):
        """B_max: the length of every batch curve."""
        return self._data.max_batch

    @property
    def users(self):
        """One row per user: id, device_class, deadline_ms, uplink_rate_mbps, tx_power_w."""
        return _frame(self._data.user_columns())

    @property
    def subtasks(self):
        """One row per sub-task 1..N: name, output_bytes, flops."""
        return _frame(self._data.subtask_columns())

    @property
    def local_latency_ms(self):
        """t_mn as an M x N numpy array (users in file order, sub-tasks 1..N)."""
        return self._data.local_latency_ms()

    @property
    def local_energy_mj(self):
        """e_mn as an M x N numpy array."""
        return self._data.local_energy_mj()

    @property
    def edge_latency_ms(self):
        """The batch curves: tau_n(b) as an N x B_max numpy array (row n-1, column b-1)."""
        return self._data.edge_latency_ms()

    def with_(self, repeat=0, seed=1, **changes):
        """A variant, as a sweep's point: with_(users=500, deadline_scale=0.8, max_batch=16).

        Each keyword is a sweep parameter (coinfer.sweep_parameters()); repeat and seed draw the
        population or subset as `coinfer sweep --seed SEED` does for that repeat. Changes of
        the file's own form (users of a population, tx_power_scale, bandwidth_mhz) come first;
        after a scale or a cut the variant is a table of users (a later users= takes a subset).
        """
        return Scenario(self._data.variant([(name, float(value)) for name, value in changes.items()], repeat, seed))

    def to_json(self):
        """The scenario in the plain table form (`coinfer expand`)."""
        return self._data.to_json()

    def to_dict(self):
        return _json.loads(self.to_json())

    def __repr__(self):
        return f"<coinfer.Scenario {self.name!r}: {self.user_count} users, B_max {self.max_batch}>"


def sweep_parameters():
    """The names with_() and sweep() vary: users, deadline_scale, uplink_scale, ..."""
    return list(_coinfer.sweep_parameters())


def load(path):
    """Reads a scenario file; ValueError names the file, the field's path and the problem."""
    return Scenario(_coinfer.load_scenario(str(path)))


class Plan:
    """A timed plan of a scenario (docs/formats.md#plan)."""

    def __init__(self, scenario, data):
        self.scenario = scenario
        self._data = data

    algorithm = property(lambda self: self._data.algorithm)
    feasible = property(lambda self: self._data.feasible, doc="Every user meets its deadline (the simulator's verdict).")
    energy_mj = property(lambda self: self._data.total_energy_mj, doc="Total user energy.")
    local_energy_mj = property(lambda self: self._data.local_energy_mj)
    saving_percent = property(lambda self: self._data.saving_percent)
    lower_bound_mj = property(lambda self: self._data.lower_bound_mj, doc="A proven lower bound on the optimum (NaN: none).")
    gap_percent = property(lambda self: self._data.gap_percent, doc="100 x (energy - bound) / bound.")
    proven_optimal = property(lambda self: self._data.proven_optimal)
    search_end = property(lambda self: self._data.search_end, doc="How best's or exact's search ended ('' otherwise).")
    violations = property(lambda self: list(self._data.violations), doc="The constraints an infeasible plan breaks.")

    @property
    def users(self):
        """One row per user: id, partition, group, energy_mj, upload and finish times, deadline_ms."""
        return _frame(_coinfer.plan_users(self.scenario._data, self._data))

    @property
    def batches(self):
        """One row per GPU batch in GPU order: subtask, size, users (ids), start_ms, end_ms."""
        return _frame(_coinfer.plan_batches(self.scenario._data, self._data))

    def to_json(self):
        """The plan file's text, byte for byte what `coinfer plan --output` writes."""
        return _coinfer.plan_to_json(self.scenario._data, self._data)

    def to_table(self):
        """The per-user table of `coinfer plan --format table`."""
        return _coinfer.plan_to_table(self.scenario._data, self._data)

    def __repr__(self):
        return (f"<coinfer.Plan {self.algorithm}: {self.energy_mj:.3f} mJ, "
                f"{'feasible' if self.feasible else 'INFEASIBLE'}, gap {self.gap_percent:.2f}%>")


def plan(scenario, algorithm="best", time_limit_ms=None):
    """Plans `scenario` with local, full-offload, no-batching, ip-ssa, og, best or exact.

    time_limit_ms applies to best, exact, og and ip-ssa, with `coinfer plan`'s defaults.
    Ctrl-C stops the search and raises KeyboardInterrupt.
    """
    return Plan(scenario, _coinfer.plan(scenario._data, algorithm, time_limit_ms))


class Verification:
    """What verify() found: feasible, and the broken constraints' messages."""

    def __init__(self, violations):
        self.violations = list(violations)
        self.feasible = not self.violations

    def __bool__(self):
        return self.feasible

    def __repr__(self):
        return "<coinfer.Verification feasible>" if self.feasible else f"<coinfer.Verification {len(self.violations)} violations>"


def verify(scenario, plan_or_file):
    """Re-times a plan (a Plan, a plan file's path, or its JSON text) as `coinfer verify` does."""
    if isinstance(plan_or_file, Plan):
        text, name = plan_or_file.to_json(), "plan"
    elif isinstance(plan_or_file, str) and plan_or_file.lstrip().startswith("{"):
        text, name = plan_or_file, "plan"
    else:
        with open(plan_or_file, encoding="utf-8") as file:
            text, name = file.read(), str(plan_or_file)
    return Verification(_coinfer.verify(scenario._data, text, name))


def compare(scenario, time_limit_ms=None):
    """Every planner on `scenario`: the table of `coinfer compare` as a DataFrame.

    Columns: algorithm, energy_mj, saving_percent, batches, feasible, time_ms, bound_mj,
    gap_percent (to the strongest bound of all rows), too_big, search_end, proven_optimal.
    attrs holds recommended, strongest_bound_mj and saturation (the GPU sentence, or '').
    time_limit_ms applies to best, exact, og and ip-ssa, each, with `coinfer compare`'s defaults.
    """
    result = _coinfer.compare(scenario._data, time_limit_ms)
    table = _frame(result["rows"])
    for key in ("recommended", "strongest_bound_mj", "saturation"):
        table.attrs[key] = result[key]
    return table


def sweep(scenario, vary, algorithms="local,no-batching,ip-ssa,og,best", repeats=1, seed=1, jobs=1):
    """`coinfer sweep`'s rows as a DataFrame (the same columns and values as its CSV).

    vary: {"users": range(50, 501, 50)}, one parameter of sweep_parameters(). algorithms: a
    list or the command line's text ("all", "all+exact", "local,og,best").
    """
    import io

    if not isinstance(vary, dict) or len(vary) != 1:
        raise ValueError("vary must name one parameter, e.g. {'users': range(50, 501, 50)}")
    (parameter, values), = vary.items()
    if not isinstance(algorithms, str):
        algorithms = ",".join(algorithms)
    csv = _coinfer.sweep(scenario._data, parameter, [float(value) for value in values], algorithms, repeats, seed, jobs)
    return _pandas().read_csv(io.StringIO(csv))


def simulate_online(scenario, policy="immediate", planner="og", episodes=5, seed=None):
    """`coinfer simulate --format json`'s numbers as a dict: episodes seeded from `seed` (the
    scenario's online seed when None) under policy immediate, local, periodic:<ms>,
    threshold:<0..1> or ddpg:<policy.json>."""
    return _coinfer.simulate_online(scenario._data, policy, planner, episodes, -1 if seed is None else seed)


def compare_online(scenario, episodes=100, test_episodes=5, seed=1, hidden="32,32"):
    """`coinfer compare-online --format json` as a DataFrame: DDPG for og and ip-ssa, the tuned
    periodic and threshold rules, immediate and local, on the same seeded test traces."""
    if not isinstance(hidden, str):
        hidden = ",".join(str(size) for size in hidden)
    records, losses = _coinfer.compare_online(scenario._data, episodes, test_episodes, seed, hidden)
    for message in losses:  # an agent that loses to a fixed rule says so, as the command line does
        _warnings.warn(message, stacklevel=2)
    return _frame(records)


def import_onnx(path, name="", input_element_bytes=1, max_subtasks=0, input_shape=""):
    """The DNN description (`coinfer dnn import`) of an ONNX model, as a dict."""
    return _json.loads(_coinfer.import_onnx(str(path), name, input_element_bytes, max_subtasks, input_shape))
