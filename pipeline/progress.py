"""Progress events from the stages to whoever displays them (the CLI's progress bars).

The flows run in the CLI's process (ephemeral Prefect), so a process-wide
listener is enough; without one, events go nowhere.
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
