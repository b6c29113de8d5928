"""The injected clock. All times are timezone-aware UTC.

``ECS_EXEC_NOW`` (ISO 8601, e.g. ``2026-11-30T12:00:00Z``) freezes the clock of a whole
process; the end-to-end tests use it instead of sleeping.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import UTC, datetime

from ecs_exec.errors import InvalidValueError

Clock = Callable[[], datetime]


def parse_utc(text: str) -> datetime:
    """Parse ISO 8601 (``Z`` or an offset; a naive value is taken as UTC) into an aware UTC datetime.

    Raises:
        ValueError: not ISO 8601, or not representable in UTC (``0001-01-01T00:00:00+01:00``).
    """
    value = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    try:
        return value.astimezone(UTC)
    except OverflowError:  # a hand-edited tag must read as unreadable, not crash the sweep
        raise ValueError(f"{text!r} is out of range in UTC") from None


def utcnow() -> datetime:
    """Now, in UTC (or the frozen ``ECS_EXEC_NOW``).

    Raises:
        InvalidValueError: ``ECS_EXEC_NOW`` is set but not ISO 8601 (exit 4).
    """
    frozen = os.environ.get("ECS_EXEC_NOW")
    if frozen:
        try:
            return parse_utc(frozen)
        except ValueError:
            raise InvalidValueError(
                f"ECS_EXEC_NOW: {frozen!r} is not an ISO 8601 time (like 2026-11-30T12:00:00Z); unset it"
            ) from None
    return datetime.now(UTC)


def iso(value: datetime) -> str:
    """``2026-11-30T12:00:00Z``: UTC, seconds precision, the form used in tags and schedules."""
    return value.astimezone(UTC).replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")
