"""Progress from the stages to whoever watches it.

Events go to the CLI's progress bars: the flows run in the CLI's process (ephemeral
Prefect), so a process-wide listener is enough; without one, events go nowhere.
Heartbeats go to a worker's supervisor (`pipeline.run.workers`): long work calls
`heartbeat()` at safe points so the supervisor can tell slow from stuck.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

Listener = Callable[[str, dict[str, Any]], None]
_listeners: list[Listener] = []


@contextmanager
def listening(listener: Listener) -> Iterator[None]:
    _listeners.append(listener)
    try:
        yield
    finally:
        _listeners.remove(listener)


def emit(event: str, **data: Any) -> None:
    for listener in list(_listeners):
        listener(event, data)


_beats: list[Callable[[], None]] = []


@contextmanager
def beating(beat: Callable[[], None]) -> Iterator[None]:
    _beats.append(beat)
    try:
        yield
    finally:
        _beats.remove(beat)


def heartbeat() -> None:
    """Tell the supervisor (if any) that this process is making progress."""
    for beat in _beats:
        beat()
