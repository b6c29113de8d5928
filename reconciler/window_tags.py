"""Exec-window state as it lives on the ECS service: its tags. Pure functions, no AWS calls.

The tags are the record any machine can read (``exec-window list`` / ``sweep``, the reconciler):

- ``ecs-exec:window-expires-at`` — UTC ISO 8601 expiry (``2026-11-30T12:30:00Z``)
- ``ecs-exec:window-opened-at`` — UTC ISO 8601 opening time (``extend`` counts its maximum from it)
- ``ecs-exec:window-opened-by`` — ARN of the person who opened it (source identity / caller ARN)
- ``ecs-exec:window-reason`` — the reason, sanitised and truncated (the full text is in the window event)
- ``ecs-exec:window-id`` — the window id (also the schedule name)

ECS tag values allow only letters, digits, spaces and ``+ - = . _ : / @``, up to 256 characters
(moto does not check this; AWS does): :func:`sanitize_tag_value` makes any text acceptable.

Tags can be edited by hand, so a window is *valid* only while it is open and its expiry lies within
the environment's maximum (``access.max_window_minutes``) of its opening: an expiry tag rewritten to
``9999-12-31`` is not a window, and the sweep closes it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from ecs_exec.clock import iso, parse_utc

TAG_PREFIX = "ecs-exec:window-"
TAG_EXPIRES_AT = "ecs-exec:window-expires-at"
TAG_OPENED_AT = "ecs-exec:window-opened-at"
TAG_OPENED_BY = "ecs-exec:window-opened-by"
TAG_REASON = "ecs-exec:window-reason"
TAG_WINDOW_ID = "ecs-exec:window-id"
WINDOW_TAG_KEYS = (TAG_EXPIRES_AT, TAG_OPENED_AT, TAG_OPENED_BY, TAG_REASON, TAG_WINDOW_ID)

MAX_TAG_VALUE = 256
#: Clock skew tolerated between the machine that wrote a window's tags and the one that checks them.
CLOCK_SKEW = timedelta(minutes=5)
_NOT_ALLOWED = re.compile(r"[^\w +\-=.:/@]", re.ASCII)


def sanitize_tag_value(text: str, limit: int = MAX_TAG_VALUE) -> str:
    """Make ``text`` a valid ECS tag value: disallowed characters become ``_``, at most ``limit`` characters.

    ``"fix #123: 'prod' down!"`` -> ``"fix _123: _prod_ down_"``.
    """
    cleaned = _NOT_ALLOWED.sub("_", " ".join(text.split()))
    return cleaned[:limit]


@dataclass(frozen=True)
class WindowState:
    """An exec window as read from a service's tags.

    Attributes:
        expires_at / opened_at: aware UTC datetimes (``opened_at`` may be None on hand-made tags).
        opened_by: principal ARN; reason: sanitised reason; window_id: schedule name.
    """

    expires_at: datetime
    opened_at: datetime | None
    opened_by: str
    reason: str
    window_id: str

    def is_open(self, now: datetime) -> bool:
        """True while ``now`` (UTC) is before the expiry."""
        return now < self.expires_at

    def latest_expiry(self, now: datetime, max_minutes: int) -> datetime:
        """The latest expiry a window this tool wrote can have: ``max_minutes`` after its opening
        (``opened_at``, or ``now`` when it is unknown or in the future), plus :data:`CLOCK_SKEW`."""
        start = min(self.opened_at, now) if self.opened_at is not None else now
        return start + timedelta(minutes=max_minutes) + CLOCK_SKEW

    def exceeds_max(self, now: datetime, max_minutes: int) -> bool:
        """True when the expiry lies beyond :meth:`latest_expiry`: the tags were edited by hand."""
        return self.expires_at > self.latest_expiry(now, max_minutes)

    def is_valid(self, now: datetime, max_minutes: int | None) -> bool:
        """Open at ``now`` and (unless ``max_minutes`` is None) within the maximum window length."""
        return self.is_open(now) and (max_minutes is None or not self.exceeds_max(now, max_minutes))

    def seconds_left(self, now: datetime) -> int:
        """Whole seconds until expiry (0 when expired)."""
        return max(0, int((self.expires_at - now).total_seconds()))

    def to_tags(self) -> dict[str, str]:
        """The service tags that record this window (values already sanitised)."""
        tags = {
            TAG_EXPIRES_AT: iso(self.expires_at),
            TAG_OPENED_BY: sanitize_tag_value(self.opened_by),
            TAG_REASON: sanitize_tag_value(self.reason),
            TAG_WINDOW_ID: sanitize_tag_value(self.window_id),
        }
        if self.opened_at is not None:
            tags[TAG_OPENED_AT] = iso(self.opened_at)
        return tags


def tags_to_dict(tags: list[dict[str, str]] | None) -> dict[str, str]:
    """ECS ``[{"key": k, "value": v}]`` -> ``{k: v}``."""
    return {t["key"]: t.get("value", "") for t in (tags or [])}


def parse_window(tags: dict[str, str]) -> WindowState | None:
    """The window recorded in ``tags``, or None when there is none or its expiry is unreadable.

    A window whose expiry tag cannot be parsed is treated as no valid window (the sweep closes it).
    """
    raw = tags.get(TAG_EXPIRES_AT)
    if not raw:
        return None
    try:
        expires_at = parse_utc(raw)
    except ValueError:
        return None
    opened_at = None
    if tags.get(TAG_OPENED_AT):
        try:
            opened_at = parse_utc(tags[TAG_OPENED_AT])
        except ValueError:
            opened_at = None
    return WindowState(
        expires_at=expires_at,
        opened_at=opened_at,
        opened_by=tags.get(TAG_OPENED_BY, ""),
        reason=tags.get(TAG_REASON, ""),
        window_id=tags.get(TAG_WINDOW_ID, ""),
    )


def has_valid_window(tags: dict[str, str], now: datetime, max_minutes: int | None = None) -> bool:
    """True when ``tags`` record a window that is open at ``now``: exec on is then in sync.

    With ``max_minutes`` (``access.max_window_minutes``) a window whose expiry lies beyond the
    maximum from its opening (a hand-edited tag) is not valid either.
    """
    window = parse_window(tags)
    return window is not None and window.is_valid(now, max_minutes)
