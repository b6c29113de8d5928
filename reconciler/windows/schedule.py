"""The window's EventBridge Scheduler schedule: its name (the window id), request and lock. Pure.

The schedule turns exec off at the expiry; creating it is also the window's lock (two operators
opening at once collide on ``CreateSchedule``), and its ``Description`` says who holds the lock.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from ecs_exec.clock import iso, parse_utc
from generator.spec import EnvironmentSpec

UPDATE_SERVICE_TARGET_ARN = "arn:aws:scheduler:::aws-sdk:ecs:updateService"
#: A schedule (the window's lock) younger than this with no window tags yet is another operator
#: opening the same window right now; older, it is a leftover of a crashed open and is taken over.
LOCK_GRACE = timedelta(minutes=2)
MAX_SCHEDULE_NAME = 64
_DESCRIPTION_RE = re.compile(r"opened-at=(?P<at>\S+) by=(?P<by>\S+)")


@dataclass(frozen=True)
class ScheduleLock:
    """Who holds a window's schedule, read back from the schedule's ``Description``."""

    opened_at: datetime
    opened_by: str

    def is_stale(self, now: datetime, grace: timedelta = LOCK_GRACE) -> bool:
        """True when the lock is older than ``grace``: a crashed open, safe to take over."""
        return now - self.opened_at > grace


def schedule_name(cluster: str, service: str) -> str:
    """Deterministic schedule name (also the window id) of ``cluster``/``service``.

    ``ecs-exec-<cluster>-<service>-<hash8>``, each name part cut to 22 characters; the hash of the
    full names keeps it unique and within Scheduler's 64 characters ``[0-9a-zA-Z-_.]``. The same name
    for the same service is what makes two concurrent opens collide on ``CreateSchedule``.
    """
    digest = hashlib.sha256(f"{cluster}/{service}".encode()).hexdigest()[:8]
    return f"ecs-exec-{cluster[:22]}-{service[:22]}-{digest}"


def at_expression(when: datetime) -> str:
    """One-shot Scheduler expression ``at(YYYY-MM-DDTHH:MM:SS)`` (used with timezone ``UTC``)."""
    return f"at({iso(when).removesuffix('Z')})"


def schedule_description(opened_at: datetime, opened_by: str) -> str:
    """The schedule's ``Description``: who holds the window's lock since when (max 512 chars)."""
    return f"ecs-exec window opened-at={iso(opened_at)} by={opened_by}"[:512]


def parse_schedule_lock(description: str | None) -> ScheduleLock | None:
    """Inverse of :func:`schedule_description`; None for a description this tool did not write."""
    match = _DESCRIPTION_RE.search(description or "")
    if not match:
        return None
    try:
        return ScheduleLock(opened_at=parse_utc(match["at"]), opened_by=match["by"])
    except ValueError:
        return None


def one_shot_schedule(
    spec: EnvironmentSpec,
    name: str,
    description: str,
    expires_at: datetime,
    target_arn: str,
    payload: Mapping[str, Any],
) -> dict[str, Any]:
    """Keyword arguments of Scheduler ``CreateSchedule`` / ``UpdateSchedule`` for a one-shot ``at()``
    schedule in UTC in the windows' schedule group, deleted after it ran, calling the universal
    target ``target_arn`` with ``payload`` as the scheduler role, failures to the dead-letter queue."""
    return {
        "Name": name,
        "GroupName": spec.windows.schedule_group_name,
        "Description": description,
        "ScheduleExpression": at_expression(expires_at),
        "ScheduleExpressionTimezone": "UTC",
        "FlexibleTimeWindow": {"Mode": "OFF"},
        "ActionAfterCompletion": "DELETE",
        "State": "ENABLED",
        "Target": {
            "Arn": target_arn,
            "RoleArn": spec.scheduler_role_arn,
            "Input": json.dumps(payload, sort_keys=True),
            "DeadLetterConfig": {"Arn": spec.dead_letter_queue_arn},
        },
    }


def schedule_request(
    spec: EnvironmentSpec, cluster: str, service: str, expires_at: datetime, description: str
) -> dict[str, Any]:
    """Keyword arguments of Scheduler ``CreateSchedule`` / ``UpdateSchedule`` for a window.

    A one-shot ``at()`` schedule in UTC, deleted after it ran, whose target is the universal
    target ``ecs:updateService`` with ``EnableExecuteCommand=false`` and ``ForceNewDeployment=true``,
    run as the scheduler role, failures to the dead-letter queue. Every name comes from the
    config. ``UpdateSchedule`` replaces the whole definition, so both calls take the same arguments.
    """
    payload = {
        "Cluster": cluster,
        "Service": service,
        "EnableExecuteCommand": False,
        "ForceNewDeployment": True,
    }
    return one_shot_schedule(
        spec, schedule_name(cluster, service), description, expires_at, UPDATE_SERVICE_TARGET_ARN, payload
    )
