"""Worker processes for extraction, each loading the model once, under a supervisor
that gives every document a time budget and isolates failures.

A task (a batch of documents) goes to an idle worker. The worker sends a heartbeat
while it makes progress (spaCy finishing a block, a document read) and each document's
outcome as soon as it is made. A worker that stays silent longer than the time budget,
or dies (killed, out of memory, crashed), is killed and replaced; the documents of its
task that have no outcome yet are retried one by one, so the document at fault fails
alone, named, and its batch-mates are published.

The workers run plain functions of `pipeline.run.extract`: no Prefect inside them, so
they start in about a second plus the model's loading. They die with their parent
(PR_SET_PDEATHSIG), so an interrupted run leaves no process behind.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import queue
import signal
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import Any

from pipeline.children import die_with_parent
from pipeline.run.extract import Outcome, failed_outcome
from pipeline.run.options import Settings
from pipeline.run.plan import WorkItem

STARTUP_SECONDS = 600.0  # loading the model on a busy machine
HEARTBEAT_EVERY = 1.0  # seconds between a worker's heartbeats, at most one per interval
_pool: WorkerPool | None = None


Work = Callable[[list[WorkItem], Settings, dict[str, Any]], Iterable[Outcome]]


def _worker_main(connection: Connection, work: Work, warm: Callable[[], None]) -> None:
    """A worker: load the model (`warm`), then run tasks through `work` until told to stop."""
    from pipeline.progress import beating

    die_with_parent()
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides when to stop
    last = [0.0]

    def heartbeat() -> None:
        now = time.monotonic()
        if now - last[0] >= HEARTBEAT_EVERY:
            last[0] = now
            connection.send(("beat", None))

    warm()
    connection.send(("ready", None))
    with beating(heartbeat):
        while True:
            task = connection.recv()
            if task is None:
                return
            items, settings, run_fingerprint = task
            try:
                for outcome in work(items, settings, run_fingerprint):
                    connection.send(("outcome", outcome.summary()))
            except Exception as error:  # the whole task failed: the supervisor isolates
                connection.send(("error", f"{type(error).__name__}: {error}"))
                continue
            connection.send(("done", None))


@dataclass
class _Fault:
    reason: str


class _Worker:
    def __init__(self, context: Any, work: Work, warm: Callable[[], None]) -> None:
        self.connection, child = context.Pipe()
        self.process = context.Process(
            target=_worker_main, args=(child, work, warm), name="briefdata-worker"
        )
        self.process.start()
        child.close()
        self.ready = False

    def wait_ready(self) -> _Fault | None:
        if self.ready:
            return None
        kind, _ = self._receive(STARTUP_SECONDS) or ("timeout", None)
        if kind == "ready":
            self.ready = True
            return None
        return _Fault(f"the worker process did not start ({kind})")

    def run(
        self, items: list[WorkItem], settings: Settings, run_fingerprint: dict[str, Any]
    ) -> tuple[dict[str, Outcome], _Fault | None]:
        """Outcomes the worker made, and what went wrong if it did not finish."""
        fault = self.wait_ready()
        if fault:
            return {}, fault
        done: dict[str, Outcome] = {}
        try:
            self.connection.send((items, settings, run_fingerprint))
        except (OSError, ValueError) as error:
            return done, _Fault(f"the worker process is gone ({error})")
        budget = settings.document_seconds
        while True:
            message = self._receive(budget)
            if message is None:
                return done, _Fault(f"no progress for {budget:g} s (over the time budget)")
            kind, value = message
            if kind == "outcome":
                done[value.doc_id] = value
            elif kind == "done":
                return done, None
            elif kind == "error" or kind == "dead":
                return done, _Fault(value)

    def _receive(self, timeout: float) -> tuple[str, Any] | None:
        try:
            if not self.connection.poll(timeout):
                return None
            return self.connection.recv()
        except (EOFError, OSError):
            self.process.join(timeout=5)
            code = self.process.exitcode
            how = f"killed by signal {-code}" if code is not None and code < 0 else f"exit {code}"
            return "dead", f"the worker process died ({how}; out of memory?)"

    def ask_to_stop(self) -> None:
        with contextlib.suppress(OSError, ValueError):
            self.connection.send(None)

    def kill(self) -> None:
        with contextlib.suppress(OSError, ValueError):
            self.process.kill()
        self.process.join(timeout=10)
        with contextlib.suppress(OSError):
            self.connection.close()


class WorkerPool:
    """`size` worker processes; `run` is thread-safe and blocks until its task is done.

    `work` makes a task's outcomes in a worker (module-level functions: they travel by
    name to the spawned processes); `warm` runs once in each worker before its first task.
    """

    def __init__(
        self, size: int, work: Work | None = None, warm: Callable[[], None] | None = None
    ) -> None:
        from pipeline.run.extract import extract_outcomes, warm_up

        self._work = work or extract_outcomes
        self._warm = warm or warm_up
        # spawn: the parent holds threads (Prefect's), which fork must not copy
        self._context = multiprocessing.get_context("spawn")
        self._idle: queue.Queue[_Worker | None] = queue.Queue()
        self._lock = threading.Lock()
        self._workers: list[_Worker] = []
        self._closed = False
        for _ in range(max(1, size)):
            self._add_worker()

    def _add_worker(self) -> None:
        worker = _Worker(self._context, self._work, self._warm)
        with self._lock:
            self._workers.append(worker)
        self._idle.put(worker)

    def _retire(self, worker: _Worker) -> None:
        worker.kill()
        with self._lock:
            if worker in self._workers:
                self._workers.remove(worker)

    def run(
        self, items: list[WorkItem], settings: Settings, run_fingerprint: dict[str, Any]
    ) -> list[Outcome]:
        """Every item's outcome; a failing task is retried one document at a time."""
        outcomes: dict[str, Outcome] = {}
        tasks: deque[list[WorkItem]] = deque([items])
        while tasks:
            task = tasks.popleft()
            worker = self._idle.get()
            if worker is None or self._closed:
                self._idle.put(None)
                raise InterruptedError("the worker pool was closed")
            done, fault = worker.run(task, settings, run_fingerprint)
            if fault is None:
                self._idle.put(worker)
            else:
                self._retire(worker)
                if not self._closed:
                    self._add_worker()
            outcomes.update(done)
            rest = [item for item in task if item.doc_id not in done]
            if fault is not None and rest:
                if len(rest) == 1:
                    outcomes[rest[0].doc_id] = failed_outcome(rest[0], fault.reason)
                else:
                    tasks.extend([item] for item in rest)
        return [outcomes[item.doc_id] for item in items]

    def close(self) -> None:
        """Stop every worker (at once, when interrupted) and release waiting callers."""
        self._closed = True
        with self._lock:
            workers = list(self._workers)
            self._workers.clear()
        for worker in workers:
            worker.ask_to_stop()  # an idle worker exits at once; a busy one is killed
        deadline = time.monotonic() + 2.0
        for worker in workers:
            worker.process.join(timeout=max(0.0, deadline - time.monotonic()))
            if worker.process.is_alive():
                worker.kill()
        self._idle.put(None)


@contextmanager
def worker_pool(workers: int) -> Iterator[None]:
    """Worker processes for the duration of a block; `run_in_pool` uses them."""
    global _pool
    _pool = WorkerPool(workers)
    try:
        yield
    finally:
        pool, _pool = _pool, None
        pool.close()


def run_in_pool(
    items: list[WorkItem], settings: Settings, run_fingerprint: dict[str, Any]
) -> list[Outcome]:
    """The items' outcomes from the open pool's workers, else extracted here."""
    if _pool is None:
        from pipeline.run.extract import extract_summaries

        return extract_summaries(items, settings, run_fingerprint)
    return _pool.run(items, settings, run_fingerprint)
