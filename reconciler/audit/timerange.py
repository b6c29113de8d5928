"""``--since`` / ``--until``: a relative age (``24h``) or an ISO 8601 time. Pure, checked before any AWS call."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from ecs_exec.clock import parse_utc
from ecs_exec.errors import InvalidValueError

#: CloudTrail event history (``LookupEvents``) keeps the last 90 days of management events.
EVENT_HISTORY_DAYS = 90

_RELATIVE = re.compile(r"^\s*(\d+)\s*([smhdw])\s*$")
_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}


@dataclass(frozen=True)
class TimeRange:
    """``[since, until]`` in UTC."""

    since: datetime
    until: datetime


def parse_time(text: str, now: datetime, option: str) -> datetime:
    """``30m`` / ``24h`` / ``7d`` / ``2w`` (that long before ``now``) or ISO 8601 -> aware UTC datetime.

    Raises:
        InvalidValueError: neither form, or an age too large for a date (exit 4), naming ``option``.
    """
    match = _RELATIVE.match(text)
    if match:
        try:
            return now - timedelta(seconds=int(match.group(1)) * _UNIT_SECONDS[match.group(2)])
        except OverflowError:  # 1000000d, 99999999999999999d: before year 1
            raise InvalidValueError(f"{option}: {text!r} reaches back before the year 1") from None
    try:
        return parse_utc(text)
    except ValueError:
        raise InvalidValueError(
            f"{option}: cannot parse {text!r} (use an age like 30m, 24h, 7d or an ISO 8601 time like 2026-11-30T12:00:00Z)"
        ) from None


def parse_range(since: str, until: str | None, now: datetime) -> TimeRange:
    """Parse ``--since`` and ``--until`` (default: ``now``) and check their order.

    Raises:
        InvalidValueError: unparsable, or ``--since`` after ``--until`` (exit 4).
    """
    start = parse_time(since, now, "--since")
    end = parse_time(until, now, "--until") if until else now
    if start > end:
        raise InvalidValueError(f"--since: {start.isoformat()} is after --until {end.isoformat()}")
    return TimeRange(since=start, until=end)


def beyond_history(rng: TimeRange, now: datetime) -> bool:
    """True when ``rng`` starts before what CloudTrail event history keeps (90 days)."""
    return rng.since < now - timedelta(days=EVENT_HISTORY_DAYS)
