"""Waiting for ECS tasks after a window opens or closes: a bounded poll with sparse progress lines."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import TypeVar

from ecs_exec.errors import WaitTimeoutError

T = TypeVar("T")


@dataclass(frozen=True)
class Waiter:
    """Polls until a condition holds, bounded by ``timeout_seconds``, reporting progress sparingly.

    Our own loop (not a boto3 waiter): no ECS waiter checks ``enableExecuteCommand`` of a deployment's
    tasks. It uses a monotonic timer, never the injected clock, so a frozen ``ECS_EXEC_NOW`` cannot hang it.
    It polls every ``interval_seconds`` but calls ``progress`` only when the probe's status changes or
    ``progress_every_seconds`` have passed since the last line (a line every poll for ten minutes is noise).
    """

    timeout_seconds: float = 600.0
    interval_seconds: float = 5.0
    sleep: Callable[[float], None] = time.sleep
    monotonic: Callable[[], float] = time.monotonic
    progress: Callable[[str], None] = field(default=lambda _msg: None)
    progress_every_seconds: float = 30.0

    def capped(self, seconds: float) -> Waiter:
        """This waiter, bounded by ``seconds`` too when that is sooner than ``timeout_seconds``."""
        return replace(self, timeout_seconds=max(0.0, min(self.timeout_seconds, seconds)))

    def until(self, probe: Callable[[], tuple[bool, T, str]], what: str) -> T:
        """Call ``probe`` (-> ``(done, value, status)``) until done; return its value.

        Raises:
            WaitTimeoutError: not done within ``timeout_seconds`` (exit 7).
        """
        start = self.monotonic()
        shown: tuple[str, float] | None = None  # (status, monotonic time) of the last progress line
        while True:
            done, value, status = probe()
            if done:
                return value
            tick = self.monotonic()
            elapsed = tick - start
            if elapsed >= self.timeout_seconds:
                raise WaitTimeoutError(
                    f"gave up waiting for {what} after {self.timeout_seconds:.0f}s ({status})",
                    hint="raise --wait-timeout, or check the service's events in the ECS console",
                )
            if shown is None or shown[0] != status or tick - shown[1] >= self.progress_every_seconds:
                self.progress(f"waiting for {what}: {status} ({elapsed:.0f}s of {self.timeout_seconds:.0f}s)")
                shown = (status, tick)
            self.sleep(min(self.interval_seconds, max(0.0, self.timeout_seconds - elapsed)))
