"""The window record: one writer and one parser for the window event, shared with the audit. Pure."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from window_helpers import NOW

from reconciler.audit.windows import build_intervals
from reconciler.windows.plan import new_window
from reconciler.windows.record import (
    EventKind,
    ResultStatus,
    WindowEvent,
    WindowStatus,
    parse_window,
    parse_window_event,
)

ALICE = "arn:aws:iam::123456789012:user/alice"
WINDOW = new_window("c", "s", now=NOW, minutes=30, actor_arn=ALICE, reason="INC-1")
COMMON = {"environment": "prd", "cluster": "c", "service": "s", "window_id": WINDOW.window_id, "actor": ALICE}


def _opened() -> WindowEvent:
    return WindowEvent.of(
        EventKind.OPENED, window=WINDOW, at=NOW, reason="INC-1: 'full' text", minutes=30,
        source_identity="alice", deployment_id="ecs-svc/1", **COMMON,
    )  # fmt: skip


def test_opened_event_is_written_with_the_documented_keys() -> None:
    data = json.loads(_opened().to_message())
    assert data == {
        "event": "opened", "environment": "prd", "cluster": "c", "service": "s", "window_id": WINDOW.window_id,
        "at": "2026-11-30T12:00:00Z", "actor": ALICE, "reason": "INC-1: 'full' text",
        "expires_at": "2026-11-30T12:30:00Z", "opened_at": "2026-11-30T12:00:00Z", "opened_by": ALICE,
        "minutes": 30, "source_identity": "alice", "deployment_id": "ecs-svc/1", "task_arn": None,
    }  # fmt: skip


def test_each_kind_adds_only_its_own_keys() -> None:
    extended = WindowEvent.of(
        EventKind.EXTENDED, window=WINDOW, at=NOW, reason="extended by 5 minutes", minutes=5,
        previous_expires_at=NOW + timedelta(minutes=25), **COMMON,
    )  # fmt: skip
    closed = WindowEvent.of(EventKind.CLOSED, window=None, at=NOW, reason="r", actions=("untag",), **COMMON)
    ext = json.loads(extended.to_message())
    assert ext["previous_expires_at"] == "2026-11-30T12:25:00Z" and ext["minutes"] == 5
    assert "deployment_id" not in ext and "actions" not in ext
    shut = json.loads(closed.to_message())
    assert shut["actions"] == ["untag"] and shut["stopped_tasks"] == [] and shut["deployment_id"] is None
    assert "expires_at" not in shut and "opened_by" not in shut and "minutes" not in shut  # no window known


@pytest.mark.parametrize("kind", list(EventKind))
def test_what_the_writer_writes_the_parser_reads_back(kind: EventKind) -> None:
    event = WindowEvent.of(kind, window=WINDOW, at=NOW, reason="r", minutes=5, deployment_id="d", **COMMON)
    parsed = parse_window_event(event.to_message())
    assert parsed is not None
    assert parsed.to_message() == event.to_message()


def test_parser_is_defensive() -> None:
    assert parse_window_event("not json") is None
    assert parse_window_event("[1]") is None
    assert parse_window_event(json.dumps({"event": "renamed", "cluster": "c", "service": "s"})) is None
    assert (
        parse_window_event(json.dumps({"event": "opened", "cluster": "c", "service": "s", "at": "x"})) is None
    )
    closed = parse_window_event(
        json.dumps({"event": "closed", "cluster": "c", "service": "s", "actor": ALICE}), 0
    )
    assert (
        closed is not None and closed.at.year == 1970 and closed.opened_by == ALICE
    )  # at from the log event


def test_the_audit_reads_the_written_events_into_intervals() -> None:
    closed = WindowEvent.of(
        EventKind.CLOSED, window=WINDOW, at=NOW + timedelta(minutes=10), reason="r", **COMMON
    )
    events = [parse_window_event(e.to_message()) for e in (_opened(), closed)]
    [interval] = build_intervals([e for e in events if e is not None], max_minutes=60)
    assert (interval.start, interval.end, interval.opened_by) == (NOW, NOW + timedelta(minutes=10), ALICE)


def test_tags_round_trip_and_status_values() -> None:
    assert parse_window(WINDOW.to_tags()) == WINDOW.__class__(**{**WINDOW.__dict__, "reason": "INC-1"})
    assert [s.value for s in WindowStatus] == ["open", "expired", "invalid"]
    assert {s for s in ResultStatus if s.changed} == {
        ResultStatus.OPENED,
        ResultStatus.EXTENDED,
        ResultStatus.CLOSED,
    }
