"""The exec-window record: the window as the service's tags and as a window event. Pure, no AWS calls.

One writer and one parser each: :meth:`WindowState.to_tags` / :func:`parse_window` for the tags,
:meth:`WindowEvent.to_message` / :func:`parse_window_event` for the events that the exec-window
commands write and ``ecs-exec audit`` reads. :class:`WindowStatus` and :class:`ResultStatus` name the
states a window and an operation's result can be in.

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

import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Any

from ecs_exec.clock import iso, parse_utc
from reconciler.live.parse import tags_to_dict  # noqa: F401 - the one parser of ECS tags, used here too

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


class WindowStatus(StrEnum):
    """The state of a window recorded in a service's tags, as ``exec-window list`` shows it."""

    OPEN = "open"  #: before its expiry, within the maximum
    EXPIRED = "expired"  #: past its expiry (until ``sweep`` closes it)
    INVALID = (
        "invalid"  #: unreadable tags, or an expiry beyond the maximum (hand-edited): ``sweep`` closes it
    )


class ResultStatus(StrEnum):
    """The outcome of ``open`` / ``extend`` / ``close`` on one service."""

    OPENED = "opened"
    ALREADY_OPEN = "already-open"
    OPENING_ELSEWHERE = "opening-elsewhere"  #: another operator holds the window's schedule (lock)
    NOT_NEEDED = "not-needed"  #: exec mode ``always``
    EXTENDED = "extended"
    CLOSED = "closed"
    ALREADY_CLOSED = "already-closed"
    PLANNED = "planned"  #: dry run

    @property
    def changed(self) -> bool:
        """True when AWS was changed."""
        return self in {ResultStatus.OPENED, ResultStatus.EXTENDED, ResultStatus.CLOSED}


class EventKind(StrEnum):
    """The ``event`` of a window event."""

    OPENED = "opened"
    EXTENDED = "extended"
    CLOSED = "closed"


#: Keys each kind of event adds to the common ones (see :meth:`WindowEvent.to_dict`).
_DETAIL_KEYS: dict[EventKind, tuple[str, ...]] = {
    EventKind.OPENED: ("minutes", "source_identity", "deployment_id", "task_arn"),
    EventKind.EXTENDED: ("minutes", "previous_expires_at"),
    EventKind.CLOSED: ("actions", "stopped_tasks", "deployment_id", "task_arn"),
}


@dataclass(frozen=True)
class WindowEvent:
    """One window event of the window-events log stream (``spec.windows.events_stream_name``).

    Written as one JSON log event by :meth:`to_message`, read back by :func:`parse_window_event`::

        {"event": "opened" | "extended" | "closed", "environment", "cluster", "service", "window_id",
         "at": UTC ISO 8601, "actor": ARN, "reason": full unsanitised text,
         "expires_at", "opened_at" (UTC ISO 8601 or null), "opened_by" (ARN)   -- when a window is known
         opened: "minutes", "source_identity", "deployment_id", "task_arn"
         extended: "minutes", "previous_expires_at"
         closed: "actions", "stopped_tasks", "deployment_id", "task_arn"}

    ``task_arn`` is the twin task of a ``--mode twin`` window (null for a service's window): ``audit``
    joins sessions to it after ECS forgot the task.

    Attributes:
        at / expires_at / opened_at / previous_expires_at: aware UTC datetimes.
        expires_at: None when no window was known (a ``closed`` event of a service without tags).
    """

    event: EventKind
    cluster: str
    service: str
    at: datetime
    environment: str = ""
    window_id: str = ""
    actor: str = ""
    reason: str = ""
    expires_at: datetime | None = None
    opened_at: datetime | None = None
    opened_by: str = ""
    minutes: int | None = None
    source_identity: str | None = None
    deployment_id: str | None = None
    previous_expires_at: datetime | None = None
    actions: tuple[str, ...] = ()
    stopped_tasks: tuple[str, ...] = ()
    task_arn: str | None = None

    @classmethod
    def of(cls, event: EventKind, *, window: WindowState | None, **fields: Any) -> WindowEvent:
        """An event carrying ``window``'s expiry, opening and opener (none of them without a window)."""
        if window is not None:
            fields.update(
                expires_at=window.expires_at, opened_at=window.opened_at, opened_by=window.opened_by
            )
        return cls(event=event, **fields)

    def to_dict(self) -> dict[str, Any]:
        """The JSON object of this event (the keys of the class docstring)."""
        data: dict[str, Any] = {
            "event": self.event.value,
            "environment": self.environment,
            "cluster": self.cluster,
            "service": self.service,
            "window_id": self.window_id,
            "at": iso(self.at),
            "actor": self.actor,
            "reason": self.reason,
        }
        if self.expires_at is not None:
            data["expires_at"] = iso(self.expires_at)
            data["opened_at"] = iso(self.opened_at) if self.opened_at else None
            data["opened_by"] = self.opened_by
        details: dict[str, Any] = {
            "minutes": self.minutes,
            "source_identity": self.source_identity,
            "deployment_id": self.deployment_id,
            "previous_expires_at": iso(self.previous_expires_at) if self.previous_expires_at else None,
            "actions": list(self.actions),
            "stopped_tasks": list(self.stopped_tasks),
            "task_arn": self.task_arn,
        }
        data.update({key: details[key] for key in _DETAIL_KEYS[self.event]})
        return data

    def to_message(self) -> str:
        """The log event message: :meth:`to_dict` as JSON with sorted keys."""
        return json.dumps(self.to_dict(), sort_keys=True)


def _time(value: object) -> datetime | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        return parse_utc(value)
    except ValueError:
        return None


def _text(value: object) -> str:
    return value if isinstance(value, str) else ""


def _texts(value: object) -> tuple[str, ...]:
    return tuple(v for v in value if isinstance(v, str)) if isinstance(value, list) else ()


def parse_window_event(message: str, timestamp_ms: int | None = None) -> WindowEvent | None:
    """One log event message -> :class:`WindowEvent`, or None when it cannot be used.

    Read defensively (the stream lives in the exec log group): a message that is not a JSON object,
    has an unknown ``event`` or lacks its cluster / service gives None; ``opened`` and ``extended``
    need ``expires_at``; ``at`` defaults to ``timestamp_ms`` (the log event's epoch ms);
    ``opened_by`` falls back to ``actor``; other fields of the wrong type are left empty.
    """
    try:
        data = json.loads(message)
    except (TypeError, ValueError):
        return None
    if not isinstance(data, dict):
        return None
    kind, cluster, service = data.get("event"), data.get("cluster"), data.get("service")
    if kind not in set(EventKind) or not isinstance(cluster, str) or not isinstance(service, str):
        return None
    at = _time(data.get("at"))
    if at is None and timestamp_ms is not None:
        at = datetime.fromtimestamp(timestamp_ms / 1000, tz=UTC)
    expires_at = _time(data.get("expires_at"))
    if at is None or (kind != EventKind.CLOSED and expires_at is None):
        return None
    minutes = data.get("minutes")
    return WindowEvent(
        event=EventKind(kind),
        cluster=cluster,
        service=service,
        at=at,
        environment=_text(data.get("environment")),
        window_id=_text(data.get("window_id")),
        actor=_text(data.get("actor")),
        reason=_text(data.get("reason")),
        expires_at=expires_at,
        opened_at=_time(data.get("opened_at")),
        opened_by=_text(data.get("opened_by")) or _text(data.get("actor")),
        minutes=minutes if isinstance(minutes, int) and not isinstance(minutes, bool) else None,
        source_identity=_text(data.get("source_identity")) or None,
        deployment_id=_text(data.get("deployment_id")) or None,
        previous_expires_at=_time(data.get("previous_expires_at")),
        actions=_texts(data.get("actions")),
        stopped_tasks=_texts(data.get("stopped_tasks")),
        task_arn=_text(data.get("task_arn")) or None,
    )
