"""close, sweep and crash recovery on an in-process moto account (frozen clock, no sleeping)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError
from window_helpers import (
    ALICE,
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
from ecs_exec.errors import AwsError, WaitTimeoutError
from generator.spec import EnvironmentSpec
from reconciler.windows import (
    Waiter,
    close_window,
    list_windows,
    open_window,
    sweep_windows,
    wait_until_closed,
)
from reconciler.windows.record import TAG_EXPIRES_AT, WINDOW_TAG_KEYS


def _exec_off_and_clean(session: boto3.Session, spec: EnvironmentSpec, svc: str = "api") -> None:
    assert service(session, "demo-app", svc).get("enableExecuteCommand", False) is False
    assert not set(tags_of(session, "demo-app", svc)) & set(WINDOW_TAG_KEYS)
    assert schedules(session, spec) == []


def test_close_turns_exec_off_and_removes_everything(
    spec: EnvironmentSpec, factory: ClientFactory, moto_account: boto3.Session
) -> None:
    opened = open_window(factory, spec, "demo-app", "api", minutes=30, reason="r", actor=ALICE, now=NOW)
    later = NOW + timedelta(minutes=3)
    result = close_window(
        factory, spec, "demo-app", "api", now=later, actor=ALICE, reason="done", stop_tasks=False
    )

    assert result.status == "closed"
    assert result.actions == ("disable-exec", "delete-schedule", "untag", "record-event")
    assert result.deployment_id != opened.deployment_id  # a new deployment replaces the exec tasks
    _exec_off_and_clean(moto_account, spec)
    closed = events(moto_account, spec, "demo-app")[-1]
    assert closed["event"] == "closed"
    assert closed["reason"] == "done"
    assert closed["opened_by"] == ALICE.arn
    assert closed["at"] == "2026-11-30T12:03:00Z"

    again = close_window(
        factory, spec, "demo-app", "api", now=later, actor=ALICE, reason="done", stop_tasks=True
    )
    assert again.status == "already-closed"
    assert again.actions == ()
    assert len(events(moto_account, spec, "demo-app")) == 2  # nothing recorded for a no-op


def test_close_stops_tasks_that_allow_exec(spec: EnvironmentSpec, moto_account: boto3.Session) -> None:
    exec_on: set[str] = set()
    factory = hooked_factory(spec, exec_tasks_hook(exec_on))
    open_window(factory, spec, "demo-app", "api", minutes=30, reason="r", actor=ALICE, now=NOW)
    shell = run_service_task(moto_account, "demo-app", "api")
    plain = run_service_task(moto_account, "demo-app", "api")
    other = run_service_task(moto_account, "demo-app", "adhoc")
    exec_on.update({shell, other})

    result = close_window(
        factory, spec, "demo-app", "api", now=NOW, actor=ALICE, reason="done", stop_tasks=True
    )

    assert result.stopped_tasks == (shell,)
    described = moto_account.client("ecs").describe_tasks(cluster="demo-app", tasks=[shell, plain, other])[
        "tasks"
    ]
    desired = {t["taskArn"]: t["desiredStatus"] for t in described}
    assert desired == {shell: "STOPPED", plain: "RUNNING", other: "RUNNING"}
    assert events(moto_account, spec, "demo-app")[-1]["stopped_tasks"] == [shell]


def test_close_without_stop_waits_until_tasks_go(spec: EnvironmentSpec, moto_account: boto3.Session) -> None:
    exec_on: set[str] = set()
    factory = hooked_factory(spec, exec_tasks_hook(exec_on))
    open_window(factory, spec, "demo-app", "api", minutes=30, reason="r", actor=ALICE, now=NOW)
    shell = run_service_task(moto_account, "demo-app", "api")
    exec_on.add(shell)
    result = close_window(
        factory, spec, "demo-app", "api", now=NOW, actor=ALICE, reason="done", stop_tasks=False
    )
    assert result.exec_tasks == (shell,)
    assert "1 task(s) still allow exec" in result.message

    def replaced(_s: float) -> None:  # the new deployment replaces the task
        moto_account.client("ecs").stop_task(cluster="demo-app", task=shell)
        exec_on.discard(shell)

    wait_until_closed(factory, "demo-app", "api", Waiter(timeout_seconds=60, sleep=replaced))
    # a second close is a no-op: flag off, no tags, no schedule, no exec task
    again = close_window(factory, spec, "demo-app", "api", now=NOW, actor=ALICE, reason="x", stop_tasks=False)
    assert again.status == "already-closed"


def test_close_wait_times_out_while_a_task_allows_exec(
    spec: EnvironmentSpec, moto_account: boto3.Session
) -> None:
    exec_on = {run_service_task(moto_account, "demo-app", "api")}
    factory = hooked_factory(spec, exec_tasks_hook(exec_on))
    ticks = iter(range(0, 100, 30))
    with pytest.raises(WaitTimeoutError, match="1 task"):
        wait_until_closed(
            factory,
            "demo-app",
            "api",
            Waiter(60, sleep=lambda _s: None, monotonic=lambda: float(next(ticks))),
        )


def test_sweep_closes_expired_window_and_stray_exec(
    spec: EnvironmentSpec, factory: ClientFactory, moto_account: boto3.Session
) -> None:
    open_window(factory, spec, "demo-app", "api", minutes=30, reason="r", actor=ALICE, now=NOW)
    open_window(factory, spec, "demo-app", "adhoc", minutes=60, reason="r", actor=ALICE, now=NOW)
    ecs = moto_account.client("ecs")
    ecs.update_service(cluster="demo-batch", service="worker", enableExecuteCommand=True)  # 'never' cluster

    # before expiry: only the never-cluster service is swept
    first = sweep_windows(factory, spec, now=NOW + timedelta(minutes=10), actor=ALICE, stop_tasks=False)
    assert [(r.cluster, r.service, r.status) for r in first.results] == [("demo-batch", "worker", "closed")]
    assert service(moto_account, "demo-batch", "worker")["enableExecuteCommand"] is False

    # frozen clock past the first window's expiry: api is closed, adhoc (open till 13:00) is not
    at = NOW + timedelta(minutes=31)
    rows = {r.service: r.to_dict(at) for r in list_windows(factory, spec)}
    assert rows["api"]["state"] == "expired" and rows["adhoc"]["state"] == "open"
    assert rows["adhoc"]["time_left"] == "29m00s"
    report = sweep_windows(factory, spec, now=at, actor=ALICE, stop_tasks=False)
    assert [(r.service, r.status) for r in report.results] == [("api", "closed")]
    assert report.failures == ()
    assert service(moto_account, "demo-app", "api")["enableExecuteCommand"] is False
    assert service(moto_account, "demo-app", "adhoc")["enableExecuteCommand"] is True
    assert (
        events(moto_account, spec, "demo-app")[-1]["reason"]
        == "sweep: window expired at 2026-11-30T12:30:00Z"
    )
    assert [s["Name"] for s in schedules(moto_account, spec)] == [
        tags_of(moto_account, "demo-app", "adhoc")["ecs-exec:window-id"]
    ]


def test_sweep_dry_run_changes_nothing(
    spec: EnvironmentSpec, factory: ClientFactory, moto_account: boto3.Session
) -> None:
    open_window(factory, spec, "demo-app", "api", minutes=30, reason="r", actor=ALICE, now=NOW)
    report = sweep_windows(
        factory, spec, now=NOW + timedelta(hours=1), actor=ALICE, stop_tasks=True, dry_run=True
    )
    assert [(r.service, r.status) for r in report.results] == [("api", "planned")]
    assert service(moto_account, "demo-app", "api")["enableExecuteCommand"] is True
    assert len(schedules(moto_account, spec)) == 1


def test_sweep_reports_a_failure_and_goes_on(spec: EnvironmentSpec, moto_account: boto3.Session) -> None:
    ecs = moto_account.client("ecs")
    for svc in ("api", "adhoc"):
        ecs.update_service(cluster="demo-app", service=svc, enableExecuteCommand=True)

    def deny_api(params: dict[str, Any], **_: Any) -> None:
        if params.get("service") == "api":
            raise ClientError({"Error": {"Code": "AccessDeniedException", "Message": "no"}}, "UpdateService")

    factory = hooked_factory(spec, ("before-parameter-build.ecs.UpdateService", deny_api))
    report = sweep_windows(factory, spec, now=NOW, actor=ALICE, stop_tasks=False)
    assert [(r.service, r.status) for r in report.results] == [("adhoc", "closed")]
    assert [(f.service, "AccessDeniedException" in f.error) for f in report.failures] == [("api", True)]


def _fail_on(event: str, calls: list[str]) -> tuple[str, Callable[..., None]]:
    def boom(**_: Any) -> None:
        calls.append(event)
        raise ClientError({"Error": {"Code": "InternalFailure", "Message": "crash"}}, event)

    return (f"before-call.{event}", boom)


@pytest.mark.parametrize(
    ("crash_before", "step", "recover"),
    [
        ("ecs.TagResource", "step 2", "close"),  # after the schedule: exec still off
        ("ecs.UpdateService", "step 3", "close"),  # after the tags: exec still off
        ("cloudwatch-logs.PutLogEvents", "step 4", "close"),  # after exec was turned on
        ("cloudwatch-logs.PutLogEvents", "step 4", "sweep"),  # ... and the sweep after expiry
    ],
)
def test_crash_after_each_step_is_recovered(
    spec: EnvironmentSpec, moto_account: boto3.Session, crash_before: str, step: str, recover: str
) -> None:
    calls: list[str] = []
    crashing = hooked_factory(spec, _fail_on(crash_before, calls))
    with pytest.raises(AwsError, match=step) as info:
        open_window(crashing, spec, "demo-app", "api", minutes=30, reason="r", actor=ALICE, now=NOW)
    assert calls == [crash_before]
    assert "close" in (info.value.hint or "")
    assert len(schedules(moto_account, spec)) == 1  # the closing schedule always exists first

    fresh = ClientFactory(spec.region, session=boto3.Session(region_name=spec.region))
    if recover == "close":
        result = close_window(
            fresh, spec, "demo-app", "api", now=NOW, actor=ALICE, reason="cleanup", stop_tasks=False
        )
        assert result.status == "closed"
    else:
        assert service(moto_account, "demo-app", "api")["enableExecuteCommand"] is True
        report = sweep_windows(fresh, spec, now=NOW + timedelta(minutes=31), actor=ALICE, stop_tasks=False)
        assert [(r.service, r.status) for r in report.results] == [("api", "closed")]
    _exec_off_and_clean(moto_account, spec)


def test_failure_creating_the_schedule_changes_nothing(
    spec: EnvironmentSpec, moto_account: boto3.Session
) -> None:
    crashing = hooked_factory(spec, _fail_on("scheduler.CreateSchedule", []))
    with pytest.raises(AwsError, match="step 1") as info:
        open_window(crashing, spec, "demo-app", "api", minutes=30, reason="r", actor=ALICE, now=NOW)
    assert info.value.hint == "nothing was changed"
    assert schedules(moto_account, spec) == []
    assert tags_of(moto_account, "demo-app", "api") == {}


def test_open_after_a_crashed_open_takes_the_schedule_over(
    spec: EnvironmentSpec, moto_account: boto3.Session
) -> None:
    crashing = hooked_factory(spec, _fail_on("ecs.TagResource", []))
    with pytest.raises(AwsError):
        open_window(crashing, spec, "demo-app", "api", minutes=30, reason="r", actor=ALICE, now=NOW)
    fresh = ClientFactory(spec.region, session=boto3.Session(region_name=spec.region))

    soon = open_window(
        fresh, spec, "demo-app", "api", minutes=30, reason="r", actor=ALICE, now=NOW + timedelta(seconds=30)
    )
    assert soon.status == "opening-elsewhere"  # within the lock grace: maybe someone is still opening

    later = NOW + timedelta(minutes=5)
    result = open_window(fresh, spec, "demo-app", "api", minutes=30, reason="r", actor=ALICE, now=later)
    assert result.status == "opened"
    [sched] = schedules(moto_account, spec)
    assert sched["ScheduleExpression"] == "at(2026-11-30T12:35:00)"
    assert tags_of(moto_account, "demo-app", "api")[TAG_EXPIRES_AT] == "2026-11-30T12:35:00Z"


def test_close_refuses_code_deploy_with_exec_on(
    spec: EnvironmentSpec, factory: ClientFactory, moto_account: boto3.Session
) -> None:
    moto_account.client("ecs").update_service(
        cluster="demo-app", service="bluegreen", enableExecuteCommand=True
    )
    from ecs_exec.errors import InvalidValueError

    with pytest.raises(InvalidValueError, match="CODE_DEPLOY"):
        close_window(
            factory, spec, "demo-app", "bluegreen", now=NOW, actor=ALICE, reason="x", stop_tasks=False
        )
    assert service(moto_account, "demo-app", "bluegreen")["enableExecuteCommand"] is True
