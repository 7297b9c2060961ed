"""Ctrl-C during a long call raises KeyboardInterrupt promptly: the call runs without the GIL,
and the core's cancel flag stops the work."""

import subprocess
import sys
import textwrap

import pytest

from conftest import child_environment

LONG_CALLS = {
    "sweep": 'coinfer.sweep(campus, vary={"users": range(100, 2001, 100)}, repeats=20, jobs=1)',
    "exact": 'coinfer.plan(campus, "exact", time_limit_ms=600000)',
    "training": 'coinfer.compare_online(coinfer.load(sys.argv[2]), episodes=100000)',
}

SCRIPT = textwrap.dedent("""
    import os, signal, sys, threading, time
    import coinfer
    campus = coinfer.load(sys.argv[1])
    ticks = []
    # Python code keeps running beside the call: the GIL is released while the core works.
    ticker = threading.Thread(target=lambda: [ticks.append(time.sleep(0.05)) for _ in range(10)], daemon=True)
    threading.Timer(1.0, os.kill, (os.getpid(), signal.SIGINT)).start()
    start = time.monotonic()
    ticker.start()
    try:
        CALL
        print("finished", time.monotonic() - start)
    except KeyboardInterrupt:
        print("interrupted", time.monotonic() - start, len(ticks))
""")


@pytest.mark.parametrize("call", LONG_CALLS)
def test_ctrl_c_stops_a_long_call(examples, call):
    script = SCRIPT.replace("CALL", LONG_CALLS[call])
    done = subprocess.run([sys.executable, "-c", script, str(examples / "campus.json"), str(examples / "online.json")],
                          capture_output=True, text=True, timeout=120, env=child_environment())
    assert done.returncode == 0, done.stderr
    words = done.stdout.split()
    assert words[0] == "interrupted", done.stdout
    # The signal comes after 1 s; the core checks its cancel flag within a fraction of a second.
    assert float(words[1]) < 10
    assert int(words[2]) == 10
