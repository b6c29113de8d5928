"""List the windows of an environment and sweep what must be closed (expired, invalid, exec on without one).

Both survey every service of the config's clusters (ECS ``ListServices`` / ``DescribeServices``);
``sweep`` closes with :func:`~reconciler.windows.close.close_window`, one service's failure not
stopping the others.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from ecs_exec.aws import ClientFactory, describe_error, error_code
from ecs_exec.errors import NotFoundError, OperatorError
from generator.spec import EnvironmentSpec, ExecMode
from reconciler.windows import aws
from reconciler.windows.close import close_window
from reconciler.windows.draining import sweep_draining
from reconciler.windows.facts import ServiceFacts
from reconciler.windows.identity import Actor
from reconciler.windows.plan import sweep_reason
from reconciler.windows.record import (
    TAG_EXPIRES_AT,
    TAG_OPENED_AT,
    TAG_OPENED_BY,
    TAG_REASON,
    WINDOW_TAG_KEYS,
    WindowState,
    WindowStatus,
)
from reconciler.windows.result import WindowResult, window_fields
from reconciler.windows.twin import twin_service, twin_tasks, twin_window
from reconciler.windows.twin_sweep import sweep_twins

log = logging.getLogger("ecs_exec.windows")


@dataclass(frozen=True)
class WindowRow:
    """One window as ``list`` shows it.

    Attributes:
        window: the window read from the tags; None when the tags are unreadable (``raw_tags`` then
            shows what they say).
        max_minutes: ``access.max_window_minutes``: an expiry beyond it from the opening is ``invalid``.
    """

    cluster: str
    service: str
    window: WindowState | None
    enable_execute_command: bool
    max_minutes: int | None = None
    raw_tags: Mapping[str, str] = field(default_factory=dict)
    twin_task_arn: str | None = None

    def state(self, now: datetime) -> WindowStatus:
        """``open``, ``expired`` (until swept) or ``invalid`` (unreadable or hand-edited tags: sweep closes it)."""
        if self.window is None or (
            self.max_minutes is not None and self.window.exceeds_max(now, self.max_minutes)
        ):
            return WindowStatus.INVALID
        return WindowStatus.OPEN if self.window.is_open(now) else WindowStatus.EXPIRED

    def to_dict(self, now: datetime) -> dict[str, Any]:
        """JSON / table row: who, why, expiry, ``seconds_left`` / ``time_left``, ``state``, and the
        service's ``enableExecuteCommand`` (DescribeServices' field, under the API's own name)."""
        state = self.state(now)
        if self.window is None:
            fields: dict[str, Any] = {
                "expires_at": self.raw_tags.get(TAG_EXPIRES_AT),
                "opened_at": self.raw_tags.get(TAG_OPENED_AT),
                "opened_by": self.raw_tags.get(TAG_OPENED_BY, ""),
                "reason": self.raw_tags.get(TAG_REASON, ""),
                "seconds_left": 0,
            }
        else:
            fields = window_fields(self.window, now)
        left = fields["seconds_left"] if state is WindowStatus.OPEN else 0
        fields["seconds_left"] = left
        return {
            "cluster": self.cluster,
            "service": self.service,
            "state": state.value,
            "enableExecuteCommand": self.enable_execute_command,
            "time_left": f"{left // 60}m{left % 60:02d}s",
            "twin_task_arn": self.twin_task_arn,
            **fields,
        }


def _cluster_services(factory: ClientFactory, cluster: str) -> list[ServiceFacts]:
    try:
        return aws.list_service_facts(factory, cluster)
    except NotFoundError as exc:
        log.warning("skipping %s", exc)
        return []


def list_windows(factory: ClientFactory, spec: EnvironmentSpec) -> list[WindowRow]:
    """Every window recorded on a service of the config's clusters (open, expired or invalid, not yet swept).

    Follows ECS ``ListServices`` / ``DescribeServices(include=["TAGS"])``; a cluster missing in ECS is
    skipped with a warning. Services with window tags that cannot be read are listed as ``invalid``.
    """
    rows: list[WindowRow] = []
    for cl in spec.clusters:
        for facts in _cluster_services(factory, cl.name):
            if facts.has_window_tags:
                rows.append(
                    WindowRow(
                        cl.name,
                        facts.service,
                        facts.window,
                        facts.enable_execute_command,
                        spec.access.max_window_minutes,
                        {k: v for k, v in facts.tags.items() if k in WINDOW_TAG_KEYS},
                    )
                )
        rows += _twin_rows(factory, spec, cl.name)
    return rows


def _twin_rows(factory: ClientFactory, spec: EnvironmentSpec, cluster: str) -> list[WindowRow]:
    """The twins of ``cluster`` as window rows (``enableExecuteCommand`` is the task's own)."""
    try:
        tasks = twin_tasks(factory, cluster)
    except (ClientError, BotoCoreError) as exc:
        if error_code(exc) != "ClusterNotFoundException":
            log.warning("skipping the twins of %s: %s", cluster, describe_error(exc))
        return []
    rows: list[WindowRow] = []
    for raw in tasks:
        tags = {t["key"]: t.get("value", "") for t in raw.get("tags", [])}
        rows.append(
            WindowRow(
                cluster,
                str(twin_service(raw.get("group"))),
                twin_window(raw),
                bool(raw.get("enableExecuteCommand", True)),
                spec.access.max_window_minutes,
                {k: v for k, v in tags.items() if k in WINDOW_TAG_KEYS},
                twin_task_arn=str(raw["taskArn"]),
            )  # fmt: skip
        )
    return rows


@dataclass(frozen=True)
class SweepFailure:
    cluster: str
    service: str
    error: str


@dataclass(frozen=True)
class SweepReport:
    """What ``sweep`` closed (or would close) and what it could not."""

    results: tuple[WindowResult, ...]
    failures: tuple[SweepFailure, ...]


def sweep_windows(
    factory: ClientFactory,
    spec: EnvironmentSpec,
    *,
    now: datetime,
    actor: Actor | str,
    stop_tasks: bool,
    dry_run: bool = False,
) -> SweepReport:
    """Close every expired window and every service with exec on without a valid window.

    Looks at every service of the config's ``windowed`` and ``never`` clusters (decided by
    :func:`~reconciler.windows.plan.sweep_reason`) and calls :func:`close_window` on each active one;
    a DRAINING one is never updated, its tasks that allow exec are stopped with ``stop_tasks``
    (:func:`~reconciler.windows.draining.sweep_draining`, as ``drift fix`` does). Twin tasks past
    their window (or in a ``never`` cluster) are stopped too
    (:func:`~reconciler.windows.twin_sweep.sweep_twins`). One service's failure does not stop the others.
    """
    results: list[WindowResult] = []
    failures: list[SweepFailure] = []
    for cl in spec.clusters:
        if cl.exec.mode is ExecMode.ALWAYS:
            continue
        for facts in _cluster_services(factory, cl.name):
            why = sweep_reason(cl.exec.mode, facts, now, spec.access.max_window_minutes)
            if why is None and facts.active:
                continue
            try:
                if not facts.active:  # DRAINING: as drift fix does (reconciler.windows.draining)
                    drained = sweep_draining(
                        factory, cl.name, facts.service, reason="sweep: service DRAINING",
                        stop_tasks=stop_tasks, dry_run=dry_run,
                    )  # fmt: skip
                    results.extend([drained] if drained is not None else [])
                    continue
                results.append(
                    close_window(
                        factory,
                        spec,
                        cl.name,
                        facts.service,
                        now=now,
                        actor=actor,
                        reason=f"sweep: {why}",
                        stop_tasks=stop_tasks,
                        dry_run=dry_run,
                    )  # fmt: skip
                )
            except (OperatorError, ClientError, BotoCoreError) as exc:
                failures.append(
                    SweepFailure(
                        cl.name,
                        facts.service,
                        str(exc) if isinstance(exc, OperatorError) else describe_error(exc),
                    )
                )
    twins, twin_failures = sweep_twins(factory, spec, now=now, actor=actor, dry_run=dry_run)
    results += twins
    failures += [SweepFailure(c, s, e) for c, s, e in twin_failures]
    return SweepReport(tuple(results), tuple(failures))
