"""Pure parts: time range, generic session names, transcript status, window events and checks, flags."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from audit_records import TASK_ID, assumed_role, execute_command, iam_user, start_session

from ecs_exec.errors import InvalidValueError
from generator.spec import ExecMode
from reconciler.audit.flags import is_generic_session_name, session_flags, transcript_status
from reconciler.audit.model import (
    ExecSession,
    Flag,
    TranscriptRef,
    TranscriptStatus,
    WindowCheck,
    WindowStatus,
)
from reconciler.audit.parse import parse_record
from reconciler.audit.timerange import parse_range
from reconciler.audit.windows import build_intervals, check_window
from reconciler.windows.record import parse_window_event

NOW = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)


def _session(record: dict) -> ExecSession:
    s = parse_record(record)
    assert s is not None
    return s


# ---- time range ----


def test_relative_and_iso_times() -> None:
    rng = parse_range("24h", None, NOW)
    assert (rng.since, rng.until) == (NOW - timedelta(hours=24), NOW)
    rng = parse_range("2026-11-29T00:00:00+01:00", "30m", NOW)
    assert rng.since == datetime(2026, 11, 28, 23, 0, tzinfo=UTC)
    assert rng.until == NOW - timedelta(minutes=30)


@pytest.mark.parametrize(
    ("since", "until", "text"),
    [("yesterday", None, "--since"), ("1h", "soon", "--until"), ("1h", "2h", "after")],
)
def test_bad_ranges(since: str, until: str | None, text: str) -> None:
    with pytest.raises(InvalidValueError, match=text):
        parse_range(since, until, NOW)


# ---- generic session names ----


@pytest.mark.parametrize(
    "name",
    [
        "botocore-session-1732960000",
        "aws-go-sdk-1732960000123456789",
        "aws-sdk-java-1732960000000",
        "AWS-CLI-session-1732960000",
        "i-0123456789abcdef0",
        TASK_ID,
        "AssumeRoleSession",
    ],
)
def test_generic_names(name: str) -> None:
    assert is_generic_session_name(name)


@pytest.mark.parametrize("name", ["alice", "carol@example.com", "botocore-session-alice", "i-am-bob", None])
def test_person_names(name: str | None) -> None:
    assert not is_generic_session_name(name)


# ---- transcript status ----


def test_transcript_status_found_pending_missing_error() -> None:
    s = _session(execute_command(iam_user(), at="2026-11-30T11:30:00Z"))
    assert transcript_status(s, TranscriptRef(log_stream="x"), NOW, 60) is TranscriptStatus.FOUND
    assert transcript_status(s, TranscriptRef(), NOW, 60) is TranscriptStatus.PENDING
    assert transcript_status(s, TranscriptRef(), NOW, 15) is TranscriptStatus.MISSING
    assert (
        transcript_status(s, TranscriptRef(error="logs:AccessDeniedException"), NOW, 15)
        is TranscriptStatus.ERROR
    )
    failed = _session(execute_command(iam_user(), error_code="AccessDenied"))
    assert transcript_status(failed, TranscriptRef(), NOW, 0) is TranscriptStatus.NOT_APPLICABLE


# ---- window events ----


def _event(kind: str, at: str, expires_at: str | None = None, service: str = "api", **extra: str) -> str:
    data = {
        "event": kind,
        "cluster": "payments",
        "service": service,
        "at": at,
        "opened_by": "arn:aws:iam::1:user/w",
        **extra,
    }
    if expires_at:
        data["expires_at"] = expires_at
    return json.dumps(data)


def test_window_events_are_read_defensively() -> None:
    assert parse_window_event("not json") is None
    assert parse_window_event(json.dumps({"event": "renamed", "cluster": "c", "service": "s"})) is None
    assert (
        parse_window_event(
            json.dumps({"event": "opened", "cluster": "c", "service": "s", "at": "2026-11-30T10:00:00Z"})
        )
        is None
    )
    ev = parse_window_event(
        json.dumps({"event": "closed", "cluster": "c", "service": "s"}), timestamp_ms=1_796_040_000_000
    )
    assert ev is not None and ev.at == datetime.fromtimestamp(1_796_040_000, tz=UTC)


def test_intervals_open_extend_close() -> None:
    events = [
        parse_window_event(_event("opened", "2026-11-30T09:00:00Z", "2026-11-30T09:30:00Z")),
        parse_window_event(_event("extended", "2026-11-30T09:20:00Z", "2026-11-30T10:30:00Z")),
        parse_window_event(_event("closed", "2026-11-30T10:10:00Z", "2026-11-30T10:30:00Z")),
        parse_window_event(
            _event(
                "extended", "2026-11-30T11:00:00Z", "2026-11-30T11:30:00Z", opened_at="2026-11-30T10:45:00Z"
            )
        ),
    ]
    intervals = build_intervals([e for e in events if e is not None])
    assert [(iv.start.strftime("%H:%M"), iv.end.strftime("%H:%M")) for iv in intervals] == [
        ("09:00", "10:10"),
        ("10:45", "11:30"),
    ]


def _check(
    at: str, service: str | None, mode: ExecMode | None = ExecMode.WINDOWED, records: bool = True
) -> WindowCheck:
    events = [parse_window_event(_event("opened", "2026-11-30T09:00:00Z", "2026-11-30T10:00:00Z"))]
    s = _session(execute_command(iam_user(), at=at))
    return check_window(s, service, build_intervals([e for e in events if e]), mode, records)


def test_window_check() -> None:
    assert _check("2026-11-30T09:30:00Z", "api").status is WindowStatus.OPEN
    assert _check("2026-11-30T10:00:00Z", "api").status is WindowStatus.NONE  # end is exclusive
    assert _check("2026-11-30T09:30:00Z", "worker").status is WindowStatus.NONE
    assert _check("2026-11-30T09:30:00Z", None).status is WindowStatus.UNKNOWN  # some service had one
    assert _check("2026-11-30T11:00:00Z", None).status is WindowStatus.NONE  # no service had one
    unknown = _check("2026-11-30T11:00:00Z", "api", records=False)
    assert unknown.status is WindowStatus.UNKNOWN and "no exec-window events" in unknown.detail
    assert _check("2026-11-30T11:00:00Z", "api", mode=ExecMode.ALWAYS).status is WindowStatus.NOT_APPLICABLE
    assert _check("2026-11-30T09:30:00Z", "api", mode=ExecMode.NEVER).status is WindowStatus.NONE


# ---- flags ----

_OPEN = WindowCheck(WindowStatus.OPEN, "api")


def test_each_flag() -> None:
    person = _session(execute_command(assumed_role(session="bob")))
    assert session_flags(person, TranscriptStatus.FOUND, _OPEN) == ()
    assert session_flags(person, TranscriptStatus.MISSING, _OPEN) == (Flag.NO_TRANSCRIPT,)
    assert session_flags(person, TranscriptStatus.PENDING, _OPEN) == ()
    assert session_flags(person, TranscriptStatus.FOUND, WindowCheck(WindowStatus.NONE)) == (
        Flag.NO_OPEN_WINDOW,
    )
    assert session_flags(person, TranscriptStatus.FOUND, WindowCheck(WindowStatus.UNKNOWN)) == ()
    generic = _session(execute_command(assumed_role(session="botocore-session-1732960000")))
    assert session_flags(generic, TranscriptStatus.FOUND, _OPEN) == (Flag.GENERIC_SESSION_NAME,)
    named = _session(
        execute_command(assumed_role(session="botocore-session-1732960000", source_identity="bob"))
    )
    assert session_flags(named, TranscriptStatus.FOUND, _OPEN) == ()
    ssm = _session(start_session(assumed_role(session="bob")))
    assert session_flags(ssm, TranscriptStatus.NOT_APPLICABLE, _OPEN) == (Flag.SSM_START_SESSION_ON_ECS_TASK,)
    failed = _session(execute_command(assumed_role(session="botocore-session-1"), error_code="AccessDenied"))
    assert (
        session_flags(failed, TranscriptStatus.NOT_APPLICABLE, WindowCheck(WindowStatus.NOT_APPLICABLE)) == ()
    )


def test_intervals_never_last_longer_than_the_maximum() -> None:
    # Regression: a window tag rewritten to 9999-12-31 (or a forged event) covered every later session.
    from reconciler.audit.windows import interval_from_tags
    from reconciler.windows.record import WindowState

    tampered = WindowState(
        expires_at=datetime(9999, 12, 31, tzinfo=UTC),
        opened_at=datetime(2026, 11, 30, 9, 0, tzinfo=UTC),
        opened_by="arn:aws:iam::1:user/w",
        reason="r",
        window_id="w",
    )
    capped = interval_from_tags("payments", "api", tampered, max_minutes=60)
    assert capped is not None and capped.end == datetime(2026, 11, 30, 10, 5, tzinfo=UTC)  # + 5 min skew
    uncapped = interval_from_tags("payments", "api", tampered)
    assert uncapped is not None and uncapped.end.year == 9999

    forged = [parse_window_event(_event("opened", "2026-11-30T09:00:00Z", "9999-12-31T00:00:00Z"))]
    [interval] = build_intervals([e for e in forged if e], max_minutes=60)
    assert not interval.covers(datetime(2026, 11, 30, 12, 0, tzinfo=UTC))
    at_end_of_time = [parse_window_event(_event("opened", "9999-12-31T23:00:00Z", "9999-12-31T23:30:00Z"))]
    assert build_intervals([e for e in at_end_of_time if e], max_minutes=60)[0].end.minute == 30
