"""Shared fixtures of the Python module's tests: the source tree, the command line built beside
the module, and the example scenarios. ctest sets COINFER_EXE and COINFER_SOURCE_DIR."""

import os
import pathlib
import subprocess

import pytest

SOURCE_DIR = pathlib.Path(os.environ.get("COINFER_SOURCE_DIR", pathlib.Path(__file__).resolve().parents[2]))
EXAMPLES = SOURCE_DIR / "examples"


@pytest.fixture(scope="session")
def cli():
    """Runs `coinfer ARGS...`; returns the CompletedProcess (text)."""
    exe = os.environ.get("COINFER_EXE", str(SOURCE_DIR / "build" / "app" / "coinfer"))

    def run(*args, check=True):
        return subprocess.run([exe, *map(str, args)], capture_output=True, text=True, check=check)

    run.exe = exe
    return run


@pytest.fixture(scope="session")
def examples():
    return EXAMPLES


@pytest.fixture(scope="session")
def data_dir():
    return SOURCE_DIR / "tests" / "data"


@pytest.fixture(scope="session")
def classroom():
    import coinfer

    return coinfer.load(EXAMPLES / "classroom.json")


@pytest.fixture(scope="session")
def campus():
    import coinfer

    return coinfer.load(EXAMPLES / "campus.json")


def child_environment():
    """os.environ with PYTHONPATH made absolute, for a child process run in another folder."""
    entries = [os.path.abspath(entry) for entry in os.environ.get("PYTHONPATH", "").split(os.pathsep) if entry]
    return dict(os.environ, PYTHONPATH=os.pathsep.join(entries))
