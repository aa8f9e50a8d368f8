"""Remembering deliveries already accepted, so that each ``webhookId`` is processed once."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Protocol


class ReplayGuard(Protocol):
    """Where accepted deliveries are remembered. ``first_time`` records ``key`` until
    ``expires_at`` (a ``time.time()`` value) and says whether it was new; it must do both at
    once, so that two receivers racing on one key do not both see it as new. Back it with
    Redis ``SET key 1 NX EXAT expires_at`` (or a unique index) to share it between processes."""

    def first_time(self, key: str, expires_at: float) -> bool: ...


class MemoryReplayGuard:
    """A :class:`ReplayGuard` in this process's memory, holding at most ``max_entries`` keys
    (the oldest forgotten first; expired ones before that). Thread-safe."""

    def __init__(self, max_entries: int = 100_000, *, clock: Callable[[], float] = time.time) -> None:
        if max_entries < 1:
            raise ValueError("max_entries must be at least 1")
        self.max_entries = max_entries
        self._seen: dict[str, float] = {}
        self._lock = threading.Lock()
        self._clock = clock

    def first_time(self, key: str, expires_at: float) -> bool:
        now = self._clock()
        with self._lock:
            known = self._seen.get(key)
            if known is not None and known > now:
                return False
            self._seen.pop(key, None)
            if len(self._seen) >= self.max_entries:
                for old in [k for k, until in self._seen.items() if until <= now]:
                    del self._seen[old]
                while len(self._seen) >= self.max_entries:
                    del self._seen[next(iter(self._seen))]
            self._seen[key] = expires_at
            return True

    def __len__(self) -> int:
        return len(self._seen)
