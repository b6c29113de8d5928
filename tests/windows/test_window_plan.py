"""Pure window arithmetic and decisions (no AWS)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from window_helpers import NOW

from ecs_exec.errors import InvalidValueError
from generator.spec import ExecMode
from reconciler.live.model import LiveTask
from reconciler.windows.facts import ServiceFacts
from reconciler.windows.identity import is_role_session, source_identity_for
from reconciler.windows.plan import CloseAction, extended_expiry, new_window, plan_close, sweep_reason
from reconciler.windows.record import TAG_EXPIRES_AT, sanitize_tag_value
from reconciler.windows.schedule import (
    at_expression,
    parse_schedule_lock,
    schedule_description,
    schedule_name,
)


def _facts(exec_on: bool = False, tags: dict[str, str] | None = None) -> ServiceFacts:
    return ServiceFacts("c", "s", "arn:aws:ecs:us-east-1:123456789012:service/c/s", exec_on, tags=tags or {})


def _window_tags(minutes: int = 30) -> dict[str, str]:
    return new_window(
        "c", "s", now=NOW, minutes=minutes, actor_arn="arn:aws:iam::1:user/a", reason="r"
    ).to_tags()


def test_schedule_name_is_deterministic_short_and_valid() -> None:
    long_cluster, long_service = "c" * 255, "s" * 255
    name = schedule_name(long_cluster, long_service)
    assert name == schedule_name(long_cluster, long_service)
    assert len(name) <= 64 and re.fullmatch(r"[0-9a-zA-Z_.-]+", name)
    assert schedule_name(long_cluster, long_service + "x") != name  # the hash tells long names apart
    assert schedule_name("demo-app", "api").startswith("ecs-exec-demo-app-api-")


def test_at_expression_is_utc_without_zone_suffix() -> None:
    assert at_expression(NOW + timedelta(minutes=30, microseconds=5)) == "at(2026-11-30T12:30:00)"


def test_schedule_lock_round_trip_and_staleness() -> None:
    lock = parse_schedule_lock(schedule_description(NOW, "arn:aws:iam::1:user/a"))
    assert lock is not None and lock.opened_by == "arn:aws:iam::1:user/a"
    assert not lock.is_stale(NOW + timedelta(seconds=119))
    assert lock.is_stale(NOW + timedelta(seconds=121))
    assert parse_schedule_lock("made by hand") is None


def test_extend_counts_maximum_from_opening() -> None:
    window = new_window("c", "s", now=NOW, minutes=30, actor_arn="a", reason="r")
    assert extended_expiry(window, minutes=30, max_minutes=60, now=NOW) == NOW + timedelta(minutes=60)
    with pytest.raises(InvalidValueError, match="at most 30 more minutes"):
        extended_expiry(window, minutes=31, max_minutes=60, now=NOW)
    with pytest.raises(InvalidValueError, match="expired"):
        extended_expiry(window, minutes=1, max_minutes=60, now=NOW + timedelta(minutes=30))


def test_plan_close() -> None:
    exec_task = LiveTask("arn:t/1", "service:s", True)
    assert plan_close(_facts(), [], schedule_exists=False, stop_tasks=True) == ()
    assert plan_close(_facts(True, _window_tags()), [exec_task], schedule_exists=True, stop_tasks=True) == (
        CloseAction.DISABLE_EXEC,
        CloseAction.DELETE_SCHEDULE,
        CloseAction.UNTAG,
        CloseAction.STOP_TASKS,
        CloseAction.RECORD_EVENT,
    )
    # flag already off (the schedule ran) but a task still allows exec: a new deployment replaces it
    assert plan_close(_facts(False), [exec_task], schedule_exists=False, stop_tasks=False) == (
        CloseAction.DISABLE_EXEC,
        CloseAction.RECORD_EVENT,
    )


@pytest.mark.parametrize(
    ("mode", "exec_on", "tags", "minutes_later", "expected"),
    [
        (ExecMode.WINDOWED, True, "valid", 10, None),
        (ExecMode.WINDOWED, True, "valid", 30, "window expired"),
        (ExecMode.WINDOWED, False, "valid", 31, "window expired"),
        (ExecMode.WINDOWED, True, None, 0, "exec on without a valid window"),
        (ExecMode.WINDOWED, True, "garbage", 0, "unreadable window tags"),
        (ExecMode.WINDOWED, False, None, 0, None),
        (ExecMode.NEVER, True, "valid", 0, "'never'"),
        (ExecMode.NEVER, False, "valid", 0, "window tags"),
        (ExecMode.ALWAYS, True, None, 0, None),
    ],
)
def test_sweep_reason(
    mode: ExecMode, exec_on: bool, tags: str | None, minutes_later: int, expected: str | None
) -> None:
    tag_values = {"valid": _window_tags(), "garbage": {TAG_EXPIRES_AT: "soon"}, None: {}}[tags]
    why = sweep_reason(mode, _facts(exec_on, tag_values), NOW + timedelta(minutes=minutes_later))
    assert (why is None) if expected is None else (why is not None and expected in why)


def test_tag_values_are_what_ecs_accepts() -> None:
    value = sanitize_tag_value("débug «prod» #1; rm -rf /\n" + "x" * 300)
    assert re.fullmatch(r"[A-Za-z0-9 +\-=._:/@]{1,256}", value)


@pytest.mark.parametrize(
    ("arn", "expected"),
    [
        ("arn:aws:iam::123456789012:user/ops/alice", "alice"),
        (
            "arn:aws:sts::123456789012:assumed-role/AWSReservedSSO_Admin_1/alice@example.com",
            "alice@example.com",
        ),
        ("arn:aws:iam::123456789012:root", "root"),
        ("arn:aws:sts::123456789012:assumed-role/R/i-0abc", "i-0abc"),
        ("arn:aws:sts::123456789012:federated-user/bob smith!", "bob-smith-"),
        ("arn:aws:iam::123456789012:user/x", "x-"),
        ("arn:aws:iam::123456789012:user/aws-admin", "u-aws-admin"),
        ("arn:aws:iam::123456789012:user/" + "n" * 80, "n" * 64),
    ],
)
def test_source_identity_for(arn: str, expected: str) -> None:
    value = source_identity_for(arn)
    assert value == expected
    assert re.fullmatch(r"[\w+=,.@-]{2,64}", value)


def test_is_role_session() -> None:
    assert is_role_session(
        "arn:aws:sts::123456789012:assumed-role/ecs-exec-window-local/alice", "ecs-exec-window-local"
    )
    assert not is_role_session(
        "arn:aws:sts::123456789012:assumed-role/ecs-exec-window-localx/a", "ecs-exec-window-local"
    )
    assert not is_role_session(
        "arn:aws:iam::123456789012:role/ecs-exec-window-local", "ecs-exec-window-local"
    )
