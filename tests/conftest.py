"""Shared fixtures: the spaCy model, one Prefect test harness, project copies."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

import flows  # noqa: F401 - Prefect's environment defaults, before Prefect is imported

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
TESTS = Path(__file__).resolve().parent
GOLD = TESTS / "gold"
SOURCES = TESTS / "sources"


def shared_path(*parts: str) -> Path:
    """A file from the shared material (real PDFs, corpus); skip loudly when absent."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"SKIPPED: shared material {path} is not present on this machine")
    return path


@pytest.fixture(scope="session")
def nlp():
    from pipeline.nlp.model import load_nlp

    return load_nlp()


@pytest.fixture(scope="session")
def prefect_harness() -> Iterator[None]:
    """One ephemeral Prefect backend for the whole session (entering one costs ~10 s)."""
    from prefect.settings import PREFECT_FLOWS_HEARTBEAT_FREQUENCY, temporary_settings
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(), temporary_settings({PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None}):
        yield


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A copy of the project's registry and raw files in a temporary folder."""
    (tmp_path / "data").mkdir()
    shutil.copy(ROOT / "data" / "sources.yaml", tmp_path / "data" / "sources.yaml")
    shutil.copytree(ROOT / "data" / "raw", tmp_path / "data" / "raw")
    return tmp_path


def settings_for(project: Path, **overrides):
    from pipeline.run.options import Settings

    values = {
        "registry": project / "data" / "sources.yaml",
        "raw": project / "data" / "raw",
        "output": project / "data" / "processed",
        "cache": project / ".cache",
    }
    values.update(overrides)
    return Settings(**values)
