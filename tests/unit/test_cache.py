"""The record cache: a broken or full disk costs a cache miss, never a partial file."""

from __future__ import annotations

import subprocess
import sys
import textwrap

from pipeline.run.cache import RecordCache
from tests.conftest import ROOT


def test_a_record_round_trips(tmp_path):
    cache = RecordCache(tmp_path)
    assert cache.put("ab" * 32, {"doc_id": "x", "rows": {}}) is True
    assert cache.has("ab" * 32) and cache.get("ab" * 32) == {"doc_id": "x", "rows": {}}
    assert cache.get("cd" * 32) is None


def test_a_torn_record_is_a_miss(tmp_path):
    cache = RecordCache(tmp_path)
    cache.put("ab" * 32, {"doc_id": "x"})
    path = next(tmp_path.rglob("*.json"))
    path.write_text('{"doc_id": ')
    assert cache.get("ab" * 32) is None


def test_a_full_disk_refuses_the_record_and_leaves_no_partial_file(tmp_path):
    """RLIMIT_FSIZE makes writes past 10 kB fail (EFBIG), as a full disk would."""
    script = textwrap.dedent(f"""
        import resource, signal
        from pathlib import Path
        from pipeline.run.cache import RecordCache
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (10_000, 10_000))
        cache = RecordCache(Path({str(tmp_path)!r}))
        print(cache.put("ab" * 32, {{"text": "x" * 100_000}}))
        print(cache.put("cd" * 32, {{"text": "small"}}))
    """)
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert result.stdout.split() == ["False", "True"]
    files = sorted(p.name for p in tmp_path.rglob("*") if p.is_file())
    assert files == [f"{'cd' * 32}.json"]
