"""Extend an open window: move its closing schedule and its expiry tag later, within the maximum."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from ecs_exec.aws import ClientFactory
from ecs_exec.clock import iso
from ecs_exec.errors import NotFoundError
from generator.spec import EnvironmentSpec
from reconciler.windows import aws
from reconciler.windows.identity import Actor
from reconciler.windows.plan import extended_expiry, window_cluster
from reconciler.windows.record import EventKind, ResultStatus, WindowEvent
from reconciler.windows.result import WindowResult
from reconciler.windows.schedule import schedule_description, schedule_name, schedule_request
from reconciler.windows.steps import actor_arn, record_event, run_step


def extend_window(
    factory: ClientFactory,
    spec: EnvironmentSpec,
    cluster: str,
    service: str,
    *,
    minutes: int,
    actor: Actor,
    now: datetime,
    dry_run: bool = False,
) -> WindowResult:
    """Move an open window's expiry ``minutes`` later (within the maximum from its opening).

    Order: Scheduler ``UpdateSchedule`` (``CreateSchedule`` if it vanished), ECS ``TagResource`` of
    the new expiry, an ``extended`` event.

    Raises:
        NotFoundError: no such cluster/service, or no open window on it (exit 4).
        InvalidValueError: expired window, or past the maximum (exit 4).
    """
    window_cluster(spec, cluster)
    facts = aws.describe_service(factory, cluster, service)
    current = facts.window
    if current is None:
        raise NotFoundError(
            f"no open window on {cluster}/{service} to extend", hint="open one with `exec-window open`"
        )
    expires_at = extended_expiry(
        current, minutes=minutes, max_minutes=spec.access.max_window_minutes, now=now
    )
    # Without a readable opening time the maximum counts from now: record that, so the next extend
    # counts from the same start instead of from its own now.
    opened_at = min(current.opened_at, now) if current.opened_at is not None else now.replace(microsecond=0)
    window = replace(current, expires_at=expires_at, opened_at=opened_at)
    request = schedule_request(
        spec, cluster, service, expires_at, schedule_description(opened_at, current.opened_by)
    )
    actions = ("move-schedule", "tag", "record-event")
    if dry_run:
        return WindowResult(
            cluster,
            service,
            ResultStatus.PLANNED,
            f"would extend {cluster}/{service} to {iso(expires_at)}",
            window,
            actions,
        )

    def move() -> None:
        if aws.get_schedule(factory, request["GroupName"], request["Name"]) is None:
            aws.create_schedule(factory, request)
        else:
            aws.update_schedule(factory, request)

    run_step(
        "extend (move the closing schedule)",
        move,
        hint=f"the window still closes at {iso(current.expires_at)}",
    )
    hint = "the schedule already moved; run extend again to finish"
    run_step(
        "extend (tag the new expiry)",
        lambda: aws.tag_service(factory, facts.service_arn, window.to_tags()),
        hint=hint,
    )
    event = WindowEvent.of(
        EventKind.EXTENDED, environment=spec.environment, cluster=cluster, service=service,
        window_id=schedule_name(cluster, service), at=now, actor=actor_arn(actor),
        reason=f"extended by {minutes} minutes", window=window, minutes=minutes,
        previous_expires_at=current.expires_at,
    )  # fmt: skip
    run_step("extend (record the event)", lambda: record_event(factory, spec, event), hint=None)
    return WindowResult(
        cluster,
        service,
        ResultStatus.EXTENDED,
        f"extended {cluster}/{service} until {iso(expires_at)}",
        window,
        actions,
    )
