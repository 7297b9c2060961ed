#!/usr/bin/env python3
"""Re-runs the commands whose output README.md and docs/*.md quote, and fails when a quoted
number has gone stale or a quoted example is refused.

What it checks, marked in the markdown:

1. A fenced block whose first line is `$ coinfer ...` quotes a command and its output (a
   block may hold several such commands, each followed by its output). Each command is run,
   and every line quoted after it must appear in its output, in order
   (other output lines may come between; a line `...` stands for lines left out). A quoted line
   matches an output line when both read the same with every number replaced, and then each
   quoted number must equal the output's within TOLERANCE below.
2. An HTML comment `<!-- doccheck: KEY=VALUE ... -->` (shell quoting) before a fenced block
   sets options for it:
     save=NAME         write the block to NAME in the scratch folder (a file for later commands)
     same-as=PATH      the block must be the repository file PATH (JSON compared as data)
     setup="CMD"       run CMD first (e.g. link a repository file under the name the doc uses)
     run="CMD"         run CMD; for a `$` block, instead of its first command; for a JSON or
                       text block without `$`, the block is the output CMD must print
     exit=N            the exit status CMD must give (default 0)
     exempt-columns=A,B  numbers under these column headers are machine-dependent timings and
                       not compared (the doc must say how they were measured)
     skip="REASON"     not run, e.g. it needs a GPU or a file the repository does not hold
3. A comment `<!-- doccheck: run="CMD" follow -->` compares the paragraph after it (a Markdown
   table, say) with CMD's output, line by line as in 1.
4. A comment `<!-- doccheck: run="CMD" numbers="1.5 42 7.14%" -->` not followed by a fenced
   block checks a claim in prose: each number must appear in CMD's output (within TOLERANCE).

Commands run in a scratch folder holding links to the repository's top-level folders, so
paths like examples/classroom.json work and outputs land in the scratch folder. `coinfer` at
the start of a command (or after `build*/app/`, `|`, `&&` or `;`) is the binary given by --coinfer.

Exit status: 0 every check passed; 1 a check failed (each is listed); 2 bad usage or a marker
the script cannot read. --expect-failures N inverts this for the self-test: exit 0 only when
exactly N checks fail, so the test proves the check can fail.
"""

import argparse
import json
import math
import os
import re
import shlex
import subprocess
import sys
import tempfile
from pathlib import Path

# A quoted number q matches the output's number a when |q - a| <= max(half a unit of q's last
# printed digit, REL_TOLERANCE * |a|). The first term lets the docs round; the second allows
# the last-digit noise of floating point across compilers, never a real change.
REL_TOLERANCE = 1e-4
COMMAND_TIMEOUT_S = 120

NUMBER = re.compile(r"(?<![A-Za-z_\d.])-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?(?![A-Za-z_\d])")
MARKER = re.compile(r"<!--\s*doccheck:(.*?)-->", re.S)
FENCE = re.compile(r"^(```|~~~)")


class Failure(Exception):
    pass


def decimals(text):
    mantissa = re.split(r"[eE]", text)[0]
    exponent = int(re.split(r"[eE]", text)[1]) if re.search(r"[eE]", text) else 0
    places = len(mantissa.split(".")[1]) if "." in mantissa else 0
    return places - exponent


def numbers_match(quoted, actual):
    q, a = float(quoted), float(actual)
    allowed = max(0.5 * 10 ** (-decimals(quoted)) * (1 + 1e-9), REL_TOLERANCE * abs(a))
    return abs(q - a) <= allowed or (math.isclose(q, a))


def skeleton(line):
    return " ".join(NUMBER.sub("#", line).split())


def parse_blocks(text):
    """Yields (line number, options, fence info, block lines) for fenced blocks and standalone markers."""
    lines = text.split("\n")
    pending = None
    i = 0
    while i < len(lines):
        line = lines[i]
        stripped = line.strip()
        if stripped.startswith("<!--") and "doccheck:" in stripped:
            end = i
            chunk = line
            while "-->" not in chunk and end + 1 < len(lines):
                end += 1
                chunk += "\n" + lines[end]
            match = MARKER.search(chunk)
            if not match:
                raise Failure(f"line {i + 1}: a doccheck marker without its closing -->")
            try:
                options = dict(item.split("=", 1) if "=" in item else (item, "") for item in shlex.split(match.group(1)))
            except ValueError as error:
                raise Failure(f"line {i + 1}: cannot read the marker: {error}")
            if pending is not None:
                yield pending[0], pending[1], None, None
                pending = None
            i = end + 1
            if "follow" in options:  # the next paragraph (e.g. a Markdown table) is the quoted output
                while i < len(lines) and not lines[i].strip():
                    i += 1
                body = []
                while i < len(lines) and lines[i].strip():
                    body.append(lines[i])
                    i += 1
                yield end + 1, options, "follow", body
                continue
            pending = (end + 1, options)
            continue
        fence = FENCE.match(stripped)
        if fence:
            start = i
            body = []
            i += 1
            while i < len(lines) and not lines[i].strip().startswith(fence.group(1)):
                body.append(lines[i])
                i += 1
            options = pending[1] if pending else {}
            pending = None
            yield start + 1, options, stripped[3:].strip(), body
        elif stripped and pending is not None:
            yield pending[0], pending[1], None, None
            pending = None
        i += 1
    if pending is not None:
        yield pending[0], pending[1], None, None


def split_commands(body):
    """The (command, quoted output lines) pairs of a block of `$ ` lines and their outputs."""
    pairs = []
    for line in body:
        if line.startswith("$ "):
            pairs.append((line[2:], []))
        else:
            pairs[-1][1].append(line)
    return pairs


class Checker:
    def __init__(self, repo, coinfer, scratch):
        self.repo = repo
        self.coinfer = coinfer
        self.scratch = scratch
        self.failures = []
        self.checked = 0
        self.skipped = 0

    def command(self, text):
        text = re.sub(r"^(\S*/)?coinfer(?=\s)", shlex.quote(self.coinfer), text.strip())
        text = re.sub(r"(\||&&|;)\s*coinfer(?=\s)", lambda m: m.group(1) + " " + shlex.quote(self.coinfer), text)
        return text

    def run(self, text, where):
        try:
            result = subprocess.run(self.command(text), shell=True, cwd=self.scratch, stdout=subprocess.PIPE,
                                    stderr=subprocess.STDOUT, text=True, timeout=COMMAND_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            raise Failure(f"{where}: `{text}` ran past {COMMAND_TIMEOUT_S} s")
        return result.returncode, result.stdout

    def expect_status(self, options, status, output, text, where):
        wanted = int(options.get("exit", "0"))
        if status != wanted:
            tail = "\n    ".join(output.strip().split("\n")[-5:])
            raise Failure(f"{where}: `{text}` exited {status}, not {wanted}:\n    {tail}")

    def compare_lines(self, quoted, output, exempt, where):
        actual = output.split("\n")
        exempt_spans = []
        for line in quoted:
            for name in exempt:
                for match in re.finditer(r"(?<![\w])" + re.escape(name) + r"(?![\w])", line):
                    if "," in line and "  " not in line:
                        exempt_spans.append(("csv", line.split(",").index(name)))
                    else:
                        exempt_spans.append(("col", match.start(), match.end()))
        position = 0
        for line in quoted:
            if not line.strip() or line.strip() == "...":
                continue
            shape = skeleton(line)
            found = next((k for k in range(position, len(actual)) if skeleton(actual[k]) == shape), None)
            if found is None:
                raise Failure(f"{where}: this quoted line is no longer in the output:\n    {line}")
            position = found + 1
            got = list(NUMBER.finditer(actual[found]))
            for index, match in enumerate(NUMBER.finditer(line)):
                if self.is_exempt(line, match, exempt_spans):
                    continue
                if not numbers_match(match.group(), got[index].group()):
                    raise Failure(f"{where}: quoted {match.group()}, the output now says {got[index].group()}:\n"
                                  f"    quoted: {line}\n    output: {actual[found]}")

    @staticmethod
    def is_exempt(line, match, spans):
        for span in spans:
            if span[0] == "csv":
                if "," in line and line[:match.start()].count(",") == span[1]:
                    return True
            elif match.start() < span[2] and span[1] < match.end():
                return True
        return False

    def check(self, where, options, info, body):
        if "skip" in options:
            if not options["skip"].strip():
                raise Failure(f"{where}: skip needs a reason")
            self.skipped += 1
            return
        self.checked += 1
        exempt = [name for name in options.get("exempt-columns", "").split(",") if name]
        if body is None:  # a claim in prose
            if "run" not in options or "numbers" not in options:
                raise Failure(f"{where}: a marker without a fenced block needs run= and numbers=")
            status, output = self.run(options["run"], where)
            self.expect_status(options, status, output, options["run"], where)
            present = [m.group() for m in NUMBER.finditer(output)]
            for claim in options["numbers"].split():
                value = claim.replace(",", "").rstrip("%")
                if not any(numbers_match(value, got) for got in present):
                    raise Failure(f"{where}: the claim {claim} is not in the output of `{options['run']}`")
            return
        content = "\n".join(body) + "\n"
        if "save" in options:
            (self.scratch / options["save"]).write_text(content)
        if "same-as" in options:
            self.same_as(where, options["same-as"], content)
        if "setup" in options:
            status, output = self.run(options["setup"], where)
            self.expect_status({}, status, output, options["setup"], where)
        if body and body[0].startswith("$ "):
            for number, (shown, quoted) in enumerate(split_commands(body)):
                text = options["run"] if "run" in options and number == 0 else shown
                status, output = self.run(text, where)
                self.expect_status(options, status, output, text, where)
                self.compare_lines(quoted, output, exempt, where)
        elif "run" in options:
            status, output = self.run(options["run"], where)
            self.expect_status(options, status, output, options["run"], where)
            if "save" not in options and "same-as" not in options:
                self.compare_lines(body, output, exempt, where)

    def same_as(self, where, path, content):
        text = (self.repo / path).read_text()
        try:
            same = json.loads(text) == json.loads(content)
        except json.JSONDecodeError:
            same = text.split() == content.split()
        if not same:
            raise Failure(f"{where}: the block is no longer the file {path}")

    def check_file(self, path):
        text = path.read_text()
        for line, options, info, body in parse_blocks(text):
            where = f"{path.relative_to(self.repo) if path.is_relative_to(self.repo) else path}:{line}"
            quotes_command = body is not None and body and body[0].startswith("$ ")
            if not options and not quotes_command:
                continue
            try:
                self.check(where, options, info, body)
            except Failure as failure:
                self.failures.append(str(failure))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--coinfer", required=True, help="the coinfer binary to run")
    parser.add_argument("--repo", default=str(Path(__file__).resolve().parent.parent))
    parser.add_argument("--expect-failures", type=int, help="self-test: pass only if exactly this many checks fail")
    parser.add_argument("files", nargs="*", help="markdown files (default: README.md and docs/*.md)")
    args = parser.parse_args()
    repo = Path(args.repo).resolve()
    files = [Path(f).resolve() for f in args.files] or [repo / "README.md"] + sorted((repo / "docs").glob("*.md"))
    coinfer = str(Path(args.coinfer).resolve())
    if not os.access(coinfer, os.X_OK):
        print(f"check-docs: {coinfer} is not an executable", file=sys.stderr)
        return 2
    checker = None
    try:
        for path in files:
            with tempfile.TemporaryDirectory(prefix="check-docs-") as scratch:
                scratch = Path(scratch)
                for entry in repo.iterdir():
                    if entry.is_dir() and not entry.name.startswith(".") and not entry.name.startswith("build"):
                        (scratch / entry.name).symlink_to(entry)
                file_checker = Checker(repo, coinfer, scratch)
                file_checker.check_file(path)
                if checker is None:
                    checker = file_checker
                else:
                    checker.failures += file_checker.failures
                    checker.checked += file_checker.checked
                    checker.skipped += file_checker.skipped
    except Failure as failure:
        print(f"check-docs: {failure}", file=sys.stderr)
        return 2
    for failure in checker.failures:
        print(f"STALE {failure}")
    print(f"check-docs: {checker.checked} checks, {len(checker.failures)} failed, {checker.skipped} skipped (marked)")
    if args.expect_failures is not None:
        if len(checker.failures) == args.expect_failures:
            print(f"check-docs: self-test passed: the {args.expect_failures} planted stale numbers were found")
            return 0
        print(f"check-docs: self-test FAILED: expected {args.expect_failures} failures")
        return 1
    return 1 if checker.failures else 0


if __name__ == "__main__":
    sys.exit(main())
