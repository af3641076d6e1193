"""The same flow on a Dask cluster gives the same bytes; so do other processes and hash seeds."""

from __future__ import annotations

import filecmp
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pipeline.cli import app
from tests.conftest import ROOT

pytestmark = pytest.mark.slow


def same_tree(a: Path, b: Path) -> list[str]:
    """Paths whose bytes differ between two published folders (empty when identical)."""
    differences = []
    for path in sorted(p for p in a.rglob("*") if p.is_file()):
        other = b / path.relative_to(a)
        if not other.exists() or not filecmp.cmp(path, other, shallow=False):
            differences.append(str(path.relative_to(a)))
    differences += [
        str(p.relative_to(b))
        for p in b.rglob("*")
        if p.is_file() and not (a / p.relative_to(b)).exists()
    ]
    return differences


@pytest.fixture(scope="module")
def default_output(tmp_path_factory, prefect_harness, sample_sources) -> Path:
    work = tmp_path_factory.mktemp("default")
    os.environ["BRIEFDATA_CACHE"] = str(work / "cache")
    try:
        result = CliRunner().invoke(
            app, ["run", "--input", str(sample_sources), "--output", str(work / "out"), "-q"]
        )
    finally:
        del os.environ["BRIEFDATA_CACHE"]
    assert result.exit_code == 0, result.output
    return work / "out"


def test_dask_local_cluster_gives_byte_identical_output(
    default_output, tmp_path, monkeypatch, sample_sources
):
    monkeypatch.setenv("BRIEFDATA_CACHE", str(tmp_path / "cache"))
    result = CliRunner().invoke(
        app,
        [
            "run",
            "--input",
            str(sample_sources),
            "--output",
            str(tmp_path / "out"),
            "--runner",
            "dask",
            "-q",
        ],
    )
    assert result.exit_code == 0, result.output
    assert same_tree(default_output, tmp_path / "out") == []


def test_worker_process_pool_gives_byte_identical_output(
    default_output, tmp_path, monkeypatch, sample_sources
):
    monkeypatch.setenv("BRIEFDATA_CACHE", str(tmp_path / "cache"))
    monkeypatch.setenv("BRIEFDATA_POOL_MIN_DOCS", "1")
    monkeypatch.setenv("BRIEFDATA_N_PROCESS", "2")
    result = CliRunner().invoke(
        app, ["run", "--input", str(sample_sources), "--output", str(tmp_path / "out"), "-q"]
    )
    assert result.exit_code == 0, result.output
    assert same_tree(default_output, tmp_path / "out") == []


@pytest.mark.parametrize("seed", ["1", "4242"])
def test_other_process_and_hash_seed_give_byte_identical_output(
    default_output, tmp_path, seed, sample_sources
):
    """A separate process, its own cache, another PYTHONHASHSEED, the in-process runner."""
    script = (
        "from pathlib import Path\n"
        "from pipeline.run.options import Settings\n"
        "from pipeline.run import run_local\n"
        f"run_local(Settings(input_dir=Path({str(sample_sources)!r}), "
        f"output=Path({str(tmp_path / 'out')!r}), cache=Path({str(tmp_path / 'cache')!r})))\n"
    )
    env = {**os.environ, "PYTHONHASHSEED": seed}
    subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env=env, check=True, capture_output=True
    )
    assert same_tree(default_output, tmp_path / "out") == []
