"""``drift fix``: carry out the findings of one cluster, sending only what differs.

- ``UpdateCluster`` once per cluster, with ``configuration`` only when the exec configuration
  differs and ``settings`` only when Container Insights differs;
- ``PutRetentionPolicy`` for the exec log group's retention;
- ``UpdateService(enableExecuteCommand=<desired>, forceNewDeployment=True)`` for ECS-controller
  services (a windowed service left open is closed by ``reconciler.windows.close_window``, as
  ``exec-window close`` does);
- ``StopTask`` (only with ``--stop-tasks``) for tasks that still allow exec once their service is off.

A missing cluster / log group / key ("run make apply") and CODE_DEPLOY / EXTERNAL services (which
reject a forced deployment) are reported as manual actions, never failures. Every action is logged
on stderr with its before/after values; ``--dry-run`` logs the same lines and calls nothing.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from ecs_exec.aws import ClientFactory, describe_error, error_code
from ecs_exec.errors import OperatorError
from generator.expected import expected_execute_command_configuration
from generator.spec import EnvironmentSpec
from reconciler import windows
from reconciler.drift.diff import EXEC_CONFIG
from reconciler.drift.model import (
    KEY_NOT_FOUND,
    Action,
    ClusterError,
    ClusterState,
    Finding,
    Kind,
    Outcome,
    Status,
)

log = logging.getLogger("ecs_exec.drift")

#: IAM actions the fixers need.
PERMISSIONS: tuple[str, ...] = (
    "ecs:StopTask",
    "ecs:UpdateCluster",
    "ecs:UpdateService",
    "logs:PutRetentionPolicy",
)

STOP_REASON = "ecs-exec drift fix: task still allows ECS Exec after its service turned it off"

#: ``close(cluster_name, service_name) -> stopped task ARNs``: closes a service's exec window the way
#: ``exec-window close`` does (flag off + new deployment, schedule deleted, tags removed, event logged).
CloseWindow = Callable[[str, str], Sequence[str]]

#: What closing a window needs besides :data:`PERMISSIONS` (``reconciler.windows.close_window``).
CLOSE_WINDOW_PERMISSIONS: tuple[str, ...] = windows.CLOSE_PERMISSIONS


class Stopped(Exception):
    """The run was interrupted (Ctrl-C): a cluster job ends before its next AWS call."""


def check_stop(stop: threading.Event | None) -> None:
    """Raise :class:`Stopped` when ``stop`` is set (checked before every read phase and fix call)."""
    if stop is not None and stop.is_set():
        raise Stopped


@dataclass(frozen=True)
class FixOptions:
    """``--dry-run``: log the actions, call nothing. ``--stop-tasks``: stop tasks that still allow exec."""

    dry_run: bool = False
    stop_tasks: bool = False


def manual_message(finding: Finding, environment: str) -> str:
    """What a person must do about a finding ``drift fix`` does not carry out itself."""
    if finding.action is Action.RUN_MAKE_APPLY:
        return f"{finding.note or 'created by Terraform'}: run make apply ENV={environment}"
    if finding.action is Action.RESTORE_KEY:
        if finding.live == KEY_NOT_FOUND:
            return (
                f"{finding.note}: run make apply ENV={environment} (a generated key) "
                "or fix exec_logging.kms.key_arn"
            )
        cancel = (
            f"aws kms cancel-key-deletion --key-id {finding.resource} && "
            if finding.live == "PendingDeletion"
            else ""
        )
        return f"{finding.note}: {cancel}aws kms enable-key --key-id {finding.resource}"
    return (
        f"{finding.service}: deploymentController rejects forceNewDeployment: set enableExecuteCommand="
        f"{str(finding.desired).lower()} in the service definition and start a new deployment "
        "(aws deploy create-deployment for CODE_DEPLOY)"
    )


class _Fixer:
    """Applies the findings of one cluster; collects outcomes and errors."""

    def __init__(
        self,
        factory: ClientFactory,
        spec: EnvironmentSpec,
        state: ClusterState,
        options: FixOptions,
        close_window: CloseWindow | None,
        stop: threading.Event | None = None,
    ) -> None:
        self.stop = stop
        self.factory = factory
        self.spec = spec
        self.state = state
        self.options = options
        self.close_window = close_window
        self.outcomes: list[Outcome] = []
        self.errors: list[ClusterError] = []
        self.stopped: set[str] = set()  # tasks already stopped by a window close

    def call(
        self, operation: str, findings: Sequence[Finding], fn: Callable[[], Any], extra: str = ""
    ) -> bool:
        """Log ``operation`` with before/after per finding, then run ``fn`` (not in dry-run).

        Returns True when the call succeeded (or would have, in dry-run).
        """
        check_stop(self.stop)
        prefix = "[dry-run] would " if self.options.dry_run else ""
        for f in findings:
            log.info(
                "drift fix: %s%s %s %s: %r -> %r%s",
                prefix,
                operation,
                f.resource,
                f.field,
                f.live,
                f.desired,
                extra,
            )
        if self.options.dry_run:
            self.outcomes += [Outcome(f, Status.DRY_RUN, f"would {operation}{extra}") for f in findings]
            return True
        try:
            fn()
        except (ClientError, BotoCoreError, OperatorError) as exc:
            message = str(exc) if isinstance(exc, OperatorError) else describe_error(exc)
            log.error("drift fix: %s %s failed: %s", operation, findings[0].resource, message)
            self.errors.append(ClusterError(self.state.name, operation, error_code(exc), message))
            self.outcomes += [Outcome(f, Status.FAILED, message) for f in findings]
            return False
        self.outcomes += [Outcome(f, Status.FIXED, f"{operation}{extra}") for f in findings]
        return True

    def fix_cluster(self, findings: Sequence[Finding]) -> None:
        if not findings or self.state.kms_key_arn is None:
            return
        params: dict[str, Any] = {"cluster": self.state.arn}
        if any(f.field.startswith(EXEC_CONFIG) for f in findings):
            desired = expected_execute_command_configuration(
                self.spec, self.state.name, self.state.kms_key_arn
            )
            params["configuration"] = {"executeCommandConfiguration": desired}
        insights = [f for f in findings if f.field == "settings.containerInsights"]
        if insights:
            params["settings"] = [{"name": "containerInsights", "value": insights[0].desired}]
        ecs = self.factory.client("ecs")
        self.call("UpdateCluster", findings, lambda: ecs.update_cluster(**params))

    def fix_retention(self, finding: Finding) -> None:
        logs = self.factory.client("logs")
        name = self.spec.exec_log_group_name(self.state.name)
        self.call(
            "PutRetentionPolicy",
            [finding],
            lambda: logs.put_retention_policy(logGroupName=name, retentionInDays=finding.desired),
        )

    def fix_service(self, finding: Finding) -> bool:
        service = str(finding.service)
        if finding.action is Action.CLOSE_WINDOW and self.close_window is not None:
            close = self.close_window
            return self.call(
                "CloseWindow", [finding], lambda: self.stopped.update(close(self.state.name, service))
            )
        ecs = self.factory.client("ecs")
        return self.call(
            "UpdateService",
            [finding],
            lambda: ecs.update_service(
                cluster=self.state.arn,
                service=service,
                enableExecuteCommand=bool(finding.desired),
                forceNewDeployment=True,
            ),
            extra=" (forceNewDeployment)",
        )

    def fix_task(self, finding: Finding, services_off: set[str]) -> None:
        if finding.resource in self.stopped:
            self.outcomes.append(Outcome(finding, Status.FIXED, "stopped by the window close"))
            return
        if not self.options.stop_tasks:
            self.outcomes.append(Outcome(finding, Status.SKIPPED, "pass --stop-tasks to stop it now"))
            return
        if finding.service is not None and finding.service not in services_off:
            self.outcomes.append(
                Outcome(finding, Status.SKIPPED, f"service {finding.service} still allows exec")
            )
            return
        ecs = self.factory.client("ecs")
        self.call(
            "StopTask",
            [finding],
            lambda: ecs.stop_task(cluster=self.state.arn, task=finding.resource, reason=STOP_REASON),
        )

    def fix_twin(self, finding: Finding) -> None:
        ecs = self.factory.client("ecs")
        self.call(
            "StopTask",
            [finding],
            lambda: ecs.stop_task(cluster=self.state.arn, task=finding.resource, reason=STOP_REASON),
        )

    def run(self, findings: Sequence[Finding]) -> None:
        for f in findings:
            if not f.action.automatic:
                self.outcomes.append(Outcome(f, Status.MANUAL, manual_message(f, self.spec.environment)))
        self.fix_cluster([f for f in findings if f.action is Action.UPDATE_CLUSTER])
        for f in findings:
            if f.action is Action.PUT_RETENTION_POLICY:
                self.fix_retention(f)
        # A task whose group names no active service (deleted, DRAINING, or a RunTask --group naming
        # none) has no service left that could allow exec: it counts as off (reconciler.live.model).
        active = {s.name for s in self.state.services if s.active}
        owners = {f.service for f in findings if f.kind is Kind.TASK and f.service is not None}
        services_off = {s.name for s in self.state.services if s.active and not s.enable_execute_command}
        services_off |= {str(o) for o in owners - active}
        for f in findings:
            fixable = f.kind is Kind.SERVICE and f.action in (Action.UPDATE_SERVICE, Action.CLOSE_WINDOW)
            if fixable and self.fix_service(f) and f.desired is False:
                services_off.add(str(f.service))
        for f in findings:
            if f.action is Action.STOP_TASK:
                self.fix_task(f, services_off)
            elif f.action is Action.STOP_TWIN:  # the twin is the window: stopped whatever --stop-tasks says
                self.fix_twin(f)


def fix_cluster(
    factory: ClientFactory,
    spec: EnvironmentSpec,
    state: ClusterState,
    findings: Sequence[Finding],
    options: FixOptions,
    close_window: CloseWindow | None = None,
    *,
    stop: threading.Event | None = None,
) -> tuple[tuple[Outcome, ...], tuple[ClusterError, ...]]:
    """Fix the ``findings`` of one cluster (from :func:`reconciler.drift.diff.diff_cluster`).

    Returns one outcome per finding (FIXED, DRY_RUN, MANUAL, SKIPPED or FAILED) and the AWS errors
    met (one per failed call; the remaining actions are still attempted).

    Raises:
        Stopped: ``stop`` was set (Ctrl-C); no call is started after that.
    """
    fixer = _Fixer(factory, spec, state, options, close_window, stop)
    fixer.run(findings)
    order = {id(f): i for i, f in enumerate(findings)}
    outcomes = sorted(fixer.outcomes, key=lambda o: order.get(id(o.finding), len(order)))
    return tuple(outcomes), tuple(fixer.errors)


def window_closer(
    factory: ClientFactory, spec: EnvironmentSpec, now: datetime, actor: str, stop_tasks: bool
) -> CloseWindow:
    """A :data:`CloseWindow` over :func:`reconciler.windows.close_window` (reason ``drift fix: ...``).

    Args:
        now: aware UTC time of the run; actor: ARN (or name) of who runs the fix, recorded in the event.
    """

    def close(cluster: str, service: str) -> Sequence[str]:
        result = windows.close_window(
            factory, spec, cluster, service, now=now, actor=actor,
            reason="drift fix: exec on without a valid window", stop_tasks=stop_tasks,
        )  # fmt: skip
        return result.stopped_tasks

    return close
