"""open / extend on an in-process moto account: schedule, tags, flag and event, with the right values."""

from __future__ import annotations

import json
from datetime import timedelta

import boto3
import pytest
from window_helpers import (
    ALICE,
    BOB,
    NOW,
    events,
    exec_tasks_hook,
    hooked_factory,
    run_service_task,
    schedules,
    service,
    tags_of,
)

from ecs_exec.aws import ClientFactory
from ecs_exec.errors import InvalidValueError, NotFoundError, WaitTimeoutError
from generator.spec import EnvironmentSpec
from reconciler.windows import Waiter, WindowResult, extend_window, open_window, wait_for_exec_task
from reconciler.windows.record import TAG_EXPIRES_AT, TAG_OPENED_AT, TAG_OPENED_BY, TAG_REASON, TAG_WINDOW_ID
from reconciler.windows.schedule import UPDATE_SERVICE_TARGET_ARN, schedule_name


def test_open_creates_schedule_tags_flag_and_event(
    spec: EnvironmentSpec, factory: ClientFactory, moto_account: boto3.Session
) -> None:
    reason = "INC-42: payments 'stuck' #prod"
    result = open_window(factory, spec, "demo-app", "api", minutes=30, reason=reason, actor=ALICE, now=NOW)

    assert result.status == "opened"
    [sched] = schedules(moto_account, spec)
    assert sched["Name"] == schedule_name("demo-app", "api")
    assert sched["GroupName"] == "ecs-exec-windows-local"
    assert sched["ScheduleExpression"] == "at(2026-11-30T12:30:00)"
    assert sched["ScheduleExpressionTimezone"] == "UTC"
    assert sched["ActionAfterCompletion"] == "DELETE"
    assert sched["FlexibleTimeWindow"] == {"Mode": "OFF"}
    target = sched["Target"]
    assert target["Arn"] == UPDATE_SERVICE_TARGET_ARN
    assert target["RoleArn"] == "arn:aws:iam::123456789012:role/ecs-exec-window-scheduler-local"
    assert target["DeadLetterConfig"] == {
        "Arn": "arn:aws:sqs:us-east-1:123456789012:ecs-exec-windows-dlq-local"
    }
    assert json.loads(target["Input"]) == {
        "Cluster": "demo-app",
        "Service": "api",
        "EnableExecuteCommand": False,
        "ForceNewDeployment": True,
    }

    tags = tags_of(moto_account, "demo-app", "api")
    assert tags[TAG_EXPIRES_AT] == "2026-11-30T12:30:00Z"
    assert tags[TAG_OPENED_AT] == "2026-11-30T12:00:00Z"
    assert tags[TAG_OPENED_BY] == ALICE.arn
    assert tags[TAG_REASON] == "INC-42: payments _stuck_ _prod"  # what AWS accepts; moto would take anything
    assert tags[TAG_WINDOW_ID] == schedule_name("demo-app", "api")

    assert service(moto_account, "demo-app", "api")["enableExecuteCommand"] is True
    [event] = events(moto_account, spec, "demo-app")
    assert event["event"] == "opened"
    assert event["reason"] == reason  # the full text
    assert event["actor"] == ALICE.arn
    assert event["source_identity"] == "alice"
    assert event["expires_at"] == "2026-11-30T12:30:00Z"
    assert event["minutes"] == 30
    assert event["deployment_id"] == result.deployment_id is not None


def test_open_twice_is_one_window(
    spec: EnvironmentSpec, factory: ClientFactory, moto_account: boto3.Session
) -> None:
    open_window(factory, spec, "demo-app", "api", minutes=30, reason="first", actor=ALICE, now=NOW)
    again = open_window(
        factory,
        spec,
        "demo-app",
        "api",
        minutes=10,
        reason="second",
        actor=BOB,
        now=NOW + timedelta(minutes=5),
    )

    assert again.status == "already-open"
    assert "extend" in again.message
    assert len(schedules(moto_account, spec)) == 1
    assert tags_of(moto_account, "demo-app", "api")[TAG_OPENED_BY] == ALICE.arn
    assert len(events(moto_account, spec, "demo-app")) == 1


def test_two_openers_at_once_end_with_one_window(spec: EnvironmentSpec, moto_account: boto3.Session) -> None:
    """Bob's open runs while Alice's is between creating the schedule and tagging: Bob backs off."""
    plain = ClientFactory(spec.region, session=boto3.Session(region_name=spec.region))
    bob_results: list[WindowResult] = []

    def bob_opens_now(**_: object) -> None:
        if not bob_results:
            bob_results.append(
                open_window(plain, spec, "demo-app", "api", minutes=20, reason="bob", actor=BOB, now=NOW)
            )

    alice = hooked_factory(spec, ("before-call.ecs.TagResource", bob_opens_now))
    result = open_window(alice, spec, "demo-app", "api", minutes=30, reason="alice", actor=ALICE, now=NOW)

    assert result.status == "opened"
    assert bob_results[0].status == "opening-elsewhere"
    assert ALICE.arn in bob_results[0].message
    [sched] = schedules(moto_account, spec)
    assert sched["ScheduleExpression"] == "at(2026-11-30T12:30:00)"
    assert tags_of(moto_account, "demo-app", "api")[TAG_OPENED_BY] == ALICE.arn
    assert [e["actor"] for e in events(moto_account, spec, "demo-app")] == [ALICE.arn]


def test_open_service_not_in_config(
    spec: EnvironmentSpec, factory: ClientFactory, moto_account: boto3.Session
) -> None:
    result = open_window(factory, spec, "demo-app", "adhoc", minutes=5, reason="r", actor=ALICE, now=NOW)
    assert result.status == "opened"
    assert service(moto_account, "demo-app", "adhoc")["enableExecuteCommand"] is True


@pytest.mark.parametrize(
    ("cluster", "svc", "error", "text"),
    [
        ("demo-batch", "worker", InvalidValueError, "'never'"),
        ("nope", "api", NotFoundError, "not a cluster of environment local"),
        ("demo-app", "missing", NotFoundError, "service 'missing' does not exist"),
        ("demo-app", "bluegreen", InvalidValueError, "CODE_DEPLOY"),
    ],
)
def test_open_refusals_change_nothing(
    spec: EnvironmentSpec,
    factory: ClientFactory,
    moto_account: boto3.Session,
    cluster: str,
    svc: str,
    error: type[Exception],
    text: str,
) -> None:
    with pytest.raises(error, match=text) as info:
        open_window(factory, spec, cluster, svc, minutes=5, reason="r", actor=ALICE, now=NOW)
    if svc == "bluegreen":
        assert "CodeDeploy" in (info.value.hint or "")  # type: ignore[attr-defined]
    assert schedules(moto_account, spec) == []
    assert events(moto_account, spec, "demo-app") == []


def test_open_dry_run_changes_nothing(
    spec: EnvironmentSpec, factory: ClientFactory, moto_account: boto3.Session
) -> None:
    result = open_window(
        factory, spec, "demo-app", "api", minutes=5, reason="r", actor=ALICE, now=NOW, dry_run=True
    )
    assert result.status == "planned"
    assert result.actions == ("create-schedule", "tag", "enable-exec", "record-event")
    assert schedules(moto_account, spec) == []
    assert tags_of(moto_account, "demo-app", "api") == {}
    assert service(moto_account, "demo-app", "api").get("enableExecuteCommand") is not True


def test_extend_moves_schedule_and_tag_within_maximum(
    spec: EnvironmentSpec, factory: ClientFactory, moto_account: boto3.Session
) -> None:
    open_window(factory, spec, "demo-app", "api", minutes=30, reason="r", actor=ALICE, now=NOW)
    later = NOW + timedelta(minutes=10)
    result = extend_window(factory, spec, "demo-app", "api", minutes=20, actor=BOB, now=later)

    assert result.status == "extended"
    [sched] = schedules(moto_account, spec)
    assert sched["ScheduleExpression"] == "at(2026-11-30T12:50:00)"
    assert sched["ActionAfterCompletion"] == "DELETE"
    tags = tags_of(moto_account, "demo-app", "api")
    assert tags[TAG_EXPIRES_AT] == "2026-11-30T12:50:00Z"
    assert tags[TAG_OPENED_AT] == "2026-11-30T12:00:00Z"
    assert tags[TAG_OPENED_BY] == ALICE.arn
    extended = events(moto_account, spec, "demo-app")[-1]
    assert extended["event"] == "extended"
    assert extended["actor"] == BOB.arn
    assert extended["previous_expires_at"] == "2026-11-30T12:30:00Z"

    # max 60 minutes from the opening at 12:00: 12:50 + 11 > 13:00
    with pytest.raises(InvalidValueError, match="at most 10 more minutes"):
        extend_window(factory, spec, "demo-app", "api", minutes=11, actor=BOB, now=later)
    assert tags_of(moto_account, "demo-app", "api")[TAG_EXPIRES_AT] == "2026-11-30T12:50:00Z"


def test_extend_without_open_window(
    spec: EnvironmentSpec, factory: ClientFactory, moto_account: boto3.Session
) -> None:
    with pytest.raises(NotFoundError, match="no open window"):
        extend_window(factory, spec, "demo-app", "api", minutes=5, actor=ALICE, now=NOW)


def test_wait_prints_command_for_a_task_of_the_new_deployment(
    spec: EnvironmentSpec, moto_account: boto3.Session
) -> None:
    exec_on: set[str] = set()
    factory = hooked_factory(spec, exec_tasks_hook(exec_on))
    result = open_window(factory, spec, "demo-app", "api", minutes=30, reason="r", actor=ALICE, now=NOW)
    old = run_service_task(moto_account, "demo-app", "api", started_by="ecs-svc/old")
    exec_on.add(old)  # exec on, but of the old deployment: not the one to wait for
    progress: list[str] = []

    def new_task_starts(_seconds: float) -> None:
        exec_on.add(run_service_task(moto_account, "demo-app", "api", started_by=result.deployment_id))

    waiter = Waiter(timeout_seconds=60, sleep=new_task_starts, progress=progress.append)
    done = wait_for_exec_task(factory, spec, result, waiter, now=NOW)

    assert len(progress) == 1 and progress[0].startswith("waiting for a task of demo-app/api")
    assert done.command is not None
    task_id = sorted(exec_on - {old})[0].rsplit("/", 1)[-1]
    assert done.command == (
        f"aws ecs execute-command --region us-east-1 --cluster demo-app --task {task_id} "
        '--container app --interactive --command "/bin/sh"'
    )


def test_wait_times_out(spec: EnvironmentSpec, factory: ClientFactory, moto_account: boto3.Session) -> None:
    result = open_window(factory, spec, "demo-app", "api", minutes=30, reason="r", actor=ALICE, now=NOW)
    clock = iter(range(0, 1000, 4))
    waiter = Waiter(timeout_seconds=10, sleep=lambda _s: None, monotonic=lambda: float(next(clock)))
    with pytest.raises(WaitTimeoutError, match="after 10s") as caught:
        wait_for_exec_task(factory, spec, result, waiter, now=NOW)
    # Regression: exit 7 did not say that the window is open all the same.
    assert "the window on demo-app/api is open until 2026-11-30T12:30:00Z" in caught.value.message
    assert "--wait-timeout ran out before the window's expiry" in caught.value.message
    assert caught.value.hint is not None and "exec-window close" in caught.value.hint


def test_wait_stops_at_the_window_expiry_before_wait_timeout(
    spec: EnvironmentSpec, factory: ClientFactory, moto_account: boto3.Session
) -> None:
    # Regression: with --minutes 5 and no task ever starting, open waited the whole --wait-timeout
    # (600 s), far past the window's own expiry.
    result = open_window(factory, spec, "demo-app", "api", minutes=5, reason="r", actor=ALICE, now=NOW)
    clock = iter(range(0, 10_000, 60))
    polls: list[float] = []
    waiter = Waiter(
        timeout_seconds=600, sleep=polls.append, monotonic=lambda: float(next(clock)), interval_seconds=60
    )
    with pytest.raises(WaitTimeoutError, match="after 300s") as caught:
        wait_for_exec_task(factory, spec, result, waiter, now=NOW)
    assert "the window on demo-app/api expired at 2026-11-30T12:05:00Z, before --wait-timeout" in (
        caught.value.message
    )
    assert polls == [60.0] * 4  # 300 s of window left, a probe a minute: never waited past the expiry
    assert caught.value.hint is not None and "exec-window close" in caught.value.hint


def test_waiter_reports_progress_on_change_or_every_30_seconds() -> None:
    # Regression: a progress line every 5 s poll for ten minutes.
    polls = iter(range(21))
    clock = iter(range(0, 1000, 5))
    lines: list[str] = []

    def probe() -> tuple[bool, int, str]:
        i = next(polls)
        return i == 20, i, "starting" if i < 10 else "pulling image"

    waiter = Waiter(
        timeout_seconds=600,
        sleep=lambda _s: None,
        monotonic=lambda: float(next(clock)),
        progress=lines.append,
    )
    assert waiter.until(probe, "a task") == 20
    assert lines == [
        "waiting for a task: starting (5s of 600s)",
        "waiting for a task: starting (35s of 600s)",
        "waiting for a task: pulling image (55s of 600s)",
        "waiting for a task: pulling image (85s of 600s)",
    ]
