"""Planning the campus through the module takes no longer than through the command line.

Both are timed in CPU time (the module's process time; the command line's as a child process),
best of three, on the same machine in one run; the module's time includes reading the file.
The margin (25% + 20 ms) covers the noise of a shared machine, not a slower module."""

import resource
import time

import coinfer


def cli_cpu_seconds(cli, *args):
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    cli(*args)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def module_cpu_seconds(path, algorithm):
    start = time.process_time()
    coinfer.plan(coinfer.load(path), algorithm)
    return time.process_time() - start


def test_module_plans_the_campus_no_slower_than_the_cli(cli, examples, tmp_path):
    path = examples / "campus.json"
    for algorithm in ("best", "og"):
        cli_seconds = min(cli_cpu_seconds(cli, "plan", path, "--algorithm", algorithm, "--output", tmp_path / "plan.json")
                          for _ in range(3))
        module_seconds = min(module_cpu_seconds(path, algorithm) for _ in range(3))
        print(f"campus {algorithm}: module {module_seconds * 1000:.1f} ms CPU, command line {cli_seconds * 1000:.1f} ms CPU")
        assert module_seconds <= 1.25 * cli_seconds + 0.02, (algorithm, module_seconds, cli_seconds)
