"""The README tells a new user the truth: its examples run and its commands exist."""

from __future__ import annotations

import re

import pytest
from typer.testing import CliRunner

from pipeline.cli import app
from tests.conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_python_examples_run_against_the_committed_dataset(monkeypatch):
    monkeypatch.chdir(ROOT)
    blocks = re.findall(r"```python\n(.*?)```", README, flags=re.DOTALL)
    assert blocks
    for block in blocks:
        exec(compile(block, "README.md", "exec"), {})


@pytest.mark.parametrize(
    "command",
    sorted(
        set(
            re.findall(
                r"^briefdata ([a-z][a-z-]*)\b", README.split("## Command line", 1)[1], flags=re.M
            )
        )
    ),
)
def test_every_documented_command_exists(command):
    result = CliRunner().invoke(app, [command, "--help"])
    assert result.exit_code == 0, result.output


def test_the_two_commands_are_the_makefile_targets():
    makefile = (ROOT / "Makefile").read_text()
    assert "make run" in README and "make test" in README
    assert re.search(r"^run:", makefile, flags=re.M) and re.search(r"^test:", makefile, flags=re.M)
    ci = (ROOT / ".ci" / "run").read_text()
    assert "make test" in ci


def test_data_dictionary_is_linked_and_exists():
    assert "docs/data-dictionary.md" in README
    assert (ROOT / "docs" / "data-dictionary.md").exists()
