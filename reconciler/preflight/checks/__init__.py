"""The preflight checks, one small function each, in the order they run (:data:`CHECKS`).

Each check has a stable id (``<group>.<name>``), takes the :class:`Context` and returns an
:class:`Outcome` (PASS / WARN / FAIL / SKIP with reason and fix). Checks read AWS only through
``ctx.facts`` and ``ctx.iam`` (which declare their permissions); a read that fails is turned into
a WARN by the runner. The questions follow the public ``amazon-ecs-exec-checker`` script, plus
what it misses (RunTask role override, log-write scope, key and bucket policies, pidMode).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from reconciler.preflight.checks.caller import (
    caller_ecs_execute_command,
    caller_identity,
    caller_kms_generate_data_key,
    caller_ssm_start_session,
)
from reconciler.preflight.checks.client import client_aws_cli, client_session_manager_plugin
from reconciler.preflight.checks.cluster import (
    cluster_exec_configuration,
    cluster_kms_key,
    cluster_log_group,
    cluster_s3_bucket,
)
from reconciler.preflight.checks.network import task_network
from reconciler.preflight.checks.runtime import (
    service_deployment_controller,
    service_enable_execute_command,
    task_aws_credentials,
    task_enable_execute_command,
    task_init_process,
    task_managed_agent,
    task_pid_mode,
    task_platform_version,
    task_readonly_root_filesystem,
)
from reconciler.preflight.checks.task_role import (
    task_bucket_policy,
    task_key_policy,
    task_role,
    task_role_kms,
    task_role_logs_describe,
    task_role_logs_write,
    task_role_s3,
    task_role_ssmmessages,
)
from reconciler.preflight.context import Context
from reconciler.preflight.model import Outcome, skip

CheckFn = Callable[[Context], Outcome]


@dataclass(frozen=True)
class Check:
    """A check: stable ``id``, ``group`` (``client``/``caller``/``cluster``/``service``/``task``), function."""

    id: str
    group: str
    run: CheckFn


def _c(check_id: str, fn: CheckFn) -> Check:
    return Check(check_id, check_id.split(".", 1)[0], fn)


def _needs_task_definition(fn: CheckFn) -> CheckFn:
    """SKIP ``fn`` when no task definition is known (an ``EXTERNAL`` service without a running task
    keeps it in its task sets), instead of judging an empty one (a vacuous PASS, or "no task role")."""

    def run(ctx: Context) -> Outcome:
        if ctx.target.task_definition_arn is None:
            return skip("no task definition: the service has none (EXTERNAL: its task sets hold it)")
        return fn(ctx)

    return run


#: Every check, in the order they run and are reported.
CHECKS: tuple[Check, ...] = (
    _c("client.aws-cli", client_aws_cli),
    _c("client.session-manager-plugin", client_session_manager_plugin),
    _c("caller.identity", caller_identity),
    _c("caller.ecs-execute-command", caller_ecs_execute_command),
    _c("caller.kms-generate-data-key", caller_kms_generate_data_key),
    _c("caller.ssm-start-session", caller_ssm_start_session),
    _c("cluster.exec-configuration", cluster_exec_configuration),
    _c("cluster.kms-key", cluster_kms_key),
    _c("cluster.log-group", cluster_log_group),
    _c("cluster.s3-bucket", cluster_s3_bucket),
    _c("task.role", _needs_task_definition(task_role)),
    _c("task.role.ssmmessages", task_role_ssmmessages),
    _c("task.role.logs-describe", task_role_logs_describe),
    _c("task.role.logs-write", task_role_logs_write),
    _c("task.role.s3", task_role_s3),
    _c("task.role.kms", task_role_kms),
    _c("task.key-policy", task_key_policy),
    _c("task.bucket-policy", task_bucket_policy),
    _c("service.enable-execute-command", service_enable_execute_command),
    _c("task.enable-execute-command", task_enable_execute_command),
    _c("task.platform-version", task_platform_version),
    _c("task.managed-agent", task_managed_agent),
    _c("task.init-process", _needs_task_definition(task_init_process)),
    _c("task.readonly-root-filesystem", _needs_task_definition(task_readonly_root_filesystem)),
    _c("task.aws-credentials", _needs_task_definition(task_aws_credentials)),
    _c("task.pid-mode", _needs_task_definition(task_pid_mode)),
    _c("task.network", _needs_task_definition(task_network)),
    _c("service.deployment-controller", service_deployment_controller),
)
