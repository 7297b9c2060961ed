#!/usr/bin/env python3
"""Checks the size limits of docs/architecture.md: no source file over 700 lines, no file under
app/ over 400, and no function over 80 lines.

Function lengths come from clang-tidy's readability-function-size check (lines from the
function's first to its last line, comments and blank lines included), run on the translation
units of a CMake build's compile_commands.json. The GUI build compiles with GCC precompiled
headers, which clang cannot read, so the script drops those flags; a file that then fails to
parse is reported, which also catches a file that compiles only thanks to the precompiled header.
CUDA files (.cu) are not in a host build's database and are checked by line count only.

Usage: scripts/check-sizes.py BUILD_DIR [FILE ...]   (default: every tracked .cpp file)
Exit status: 0 within limits, 1 over a limit or a file clang-tidy could not parse, 2 bad usage.
"""
import concurrent.futures
import json
import os
import re
import subprocess
import sys
import tempfile

FILE_LIMIT_LINES = 700
APP_FILE_LIMIT_LINES = 400
FUNCTION_LIMIT_LINES = 80
SOURCE_SUFFIXES = (".h", ".hpp", ".cpp", ".cu", ".cuh")


def tracked_files(root):
    out = subprocess.run(["git", "ls-files"], cwd=root, capture_output=True, text=True, check=True)
    return [f for f in out.stdout.split("\n") if f.endswith(SOURCE_SUFFIXES)]


def oversized_files(root, files):
    problems = []
    for path in files:
        with open(os.path.join(root, path), encoding="utf-8", errors="replace") as f:
            lines = sum(1 for _ in f)
        limit = APP_FILE_LIMIT_LINES if path.startswith("app/") else FILE_LIMIT_LINES
        if lines > limit:
            problems.append(f"{path}: {lines} lines (limit {limit})")
    return problems


def database_without_pch(build_dir, scratch):
    """Writes a copy of the compile database without GCC precompiled-header flags."""
    with open(os.path.join(build_dir, "compile_commands.json"), encoding="utf-8") as f:
        entries = json.load(f)
    for entry in entries:
        command = entry["command"]
        command = re.sub(r"-include \S*cmake_pch\.hxx", "", command)
        command = re.sub(r"-Xclang -include-pch -Xclang \S+", "", command)
        entry["command"] = command.replace("-Winvalid-pch", "")
    with open(os.path.join(scratch, "compile_commands.json"), "w", encoding="utf-8") as f:
        json.dump(entries, f)
    return {os.path.realpath(e["file"]) for e in entries}


def long_functions(database_dir, root, path):
    config = ("{Checks: '-*,readability-function-size', CheckOptions: "
              f"[{{key: readability-function-size.LineThreshold, value: {FUNCTION_LIMIT_LINES}}}]}}")
    # Functions defined in the project's headers count too; each is reported once.
    header_filter = f"^{re.escape(root)}/(app|bench|core|fuzz|gpu|tests|widgets)/"
    run = subprocess.run(["clang-tidy", "-p", database_dir, f"-config={config}",
                          f"-header-filter={header_filter}", path],
                         capture_output=True, text=True)
    text = run.stdout + run.stderr
    problems = []
    warning = None
    for line in text.splitlines():
        found = re.match(r"^(\S+?):(\d+):\d+: warning: function '([^']+)' exceeds", line)
        if found:
            warning = found.groups()
            continue
        size = re.search(r"note: (\d+) lines including", line)
        if size and warning:
            file, at, name = warning
            problems.append(f"{os.path.relpath(file, root)}:{at}: {name}: {size.group(1)} lines "
                            f"(limit {FUNCTION_LIMIT_LINES})")
            warning = None
    errors = re.findall(r"^\S+:\d+:\d+: error: .*$", text, re.MULTILINE)
    problems += [f"{os.path.relpath(path, root)}: does not parse without the precompiled header: {e}" for e in errors[:3]]
    return problems


def main():
    if len(sys.argv) < 2 or not os.path.isfile(os.path.join(sys.argv[1], "compile_commands.json")):
        print(__doc__.strip(), file=sys.stderr)
        return 2
    root = subprocess.run(["git", "rev-parse", "--show-toplevel"], capture_output=True, text=True,
                          check=True).stdout.strip()
    # The layering probes are meant not to compile (tests/layering checks that they fail).
    files = sys.argv[2:] or [f for f in tracked_files(root)
                             if f.endswith(".cpp") and not f.startswith("tests/layering/probes/")]
    problems = oversized_files(root, sys.argv[2:] or tracked_files(root))
    with tempfile.TemporaryDirectory() as scratch:
        in_database = database_without_pch(sys.argv[1], scratch)
        units = [os.path.join(root, f) for f in files
                 if os.path.realpath(os.path.join(root, f)) in in_database]
        with concurrent.futures.ThreadPoolExecutor(os.cpu_count() or 2) as pool:
            for found in pool.map(lambda unit: long_functions(scratch, root, unit), units):
                problems += found
    problems = sorted(set(problems))
    for problem in problems:
        print(problem)
    print(f"{len(units)} translation units checked; {len(problems)} over a limit", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
