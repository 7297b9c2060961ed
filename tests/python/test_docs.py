"""The notebook of docs/python.md runs and prints the output the page quotes."""

import re
import subprocess
import sys

import pytest

from conftest import SOURCE_DIR, child_environment

NUMBER = re.compile(r"-?\d+(?:\.\d+)?")


def fenced_blocks(text, language):
    return re.findall(r"^```" + language + r"\n(.*?)^```", text, re.S | re.M)


def test_the_notebook_prints_what_the_page_quotes(tmp_path):
    pytest.importorskip("matplotlib")
    page = (SOURCE_DIR / "docs" / "python.md").read_text(encoding="utf-8")
    section = page.split("## A notebook", 1)[1].split("\n## ", 1)[0]
    code, = fenced_blocks(section, "python")
    quoted, = fenced_blocks(section, "text")
    (tmp_path / "examples").symlink_to(SOURCE_DIR / "examples")
    done = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, env=child_environment(),
                          timeout=600)
    assert done.returncode == 0, done.stderr
    printed = done.stdout.splitlines()
    quoted = quoted.splitlines()
    assert len(printed) == len(quoted)
    for got, want in zip(printed, quoted):
        assert NUMBER.sub("#", got).split() == NUMBER.sub("#", want).split(), (got, want)
        for a, b in zip(NUMBER.findall(got), NUMBER.findall(want)):
            assert float(a) == pytest.approx(float(b), abs=0.051), (got, want)
    assert (tmp_path / "users-campus.png").stat().st_size > 10_000
