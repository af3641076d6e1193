"""Run one command and report its wall time and peak memory, child processes included.

    python -m bench.tree_rss OUT.json -- COMMAND [ARG ...]

Run it in a fresh process per measured command: `ru_maxrss` of RUSAGE_CHILDREN is
the largest resident set of any descendant this process has waited for, so it
must not accumulate over several commands. psutil (when installed) also samples
the whole process tree every 0.1 s, which gives the peak of the tree's *sum*
(RSS, which counts shared library pages once per process, and PSS, which does not).
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import threading
import time
from pathlib import Path


def _pss(pid: int) -> int | None:
    """Proportional set size (shared pages split between their users), Linux only."""
    try:
        with open(f"/proc/{pid}/smaps_rollup") as f:
            for line in f:
                if line.startswith("Pss:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        return None
    return None


def _sample(pid: int, peaks: dict[str, float], done: threading.Event) -> None:
    try:
        import psutil
    except ImportError:
        return
    try:
        root = psutil.Process(pid)
    except psutil.Error:
        return
    while not done.is_set():
        try:
            procs = [root, *root.children(recursive=True)]
        except psutil.Error:
            break
        total = pss_total = 0
        for proc in procs:
            try:
                rss = proc.memory_info().rss
            except psutil.Error:
                continue
            total += rss
            pss_total += _pss(proc.pid) or rss
            peaks["single"] = max(peaks["single"], rss)
        peaks["sum"] = max(peaks["sum"], total)
        peaks["pss"] = max(peaks["pss"], pss_total)
        peaks["max_procs"] = max(peaks["max_procs"], len(procs))
        done.wait(0.1)


def main(argv: list[str]) -> int:
    out = Path(argv[0])
    command = argv[argv.index("--") + 1 :]
    peaks = {"single": 0.0, "sum": 0.0, "pss": 0.0, "max_procs": 0}
    done = threading.Event()
    started = time.perf_counter()
    with (
        open(out.with_suffix(".stdout"), "wb") as stdout,
        open(out.with_suffix(".stderr"), "wb") as stderr,
    ):
        proc = subprocess.Popen(command, stdout=stdout, stderr=stderr)
        sampler = threading.Thread(target=_sample, args=(proc.pid, peaks, done), daemon=True)
        sampler.start()
        returncode = proc.wait()
    seconds = time.perf_counter() - started
    done.set()
    sampler.join()
    maxrss_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss  # KiB on Linux
    result = {
        "returncode": returncode,
        "seconds": seconds,
        "ru_maxrss_mb": maxrss_kb / 1024,
        "sampled_single_mb": peaks["single"] / 2**20,
        "sampled_tree_sum_mb": peaks["sum"] / 2**20,
        "sampled_tree_pss_mb": peaks["pss"] / 2**20,
        "max_processes": peaks["max_procs"],
    }
    out.write_text(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
