"""Run every preflight check against one target and build the :class:`Report`.

Order of work: the cluster must be named in the config (exit 4, before any AWS call); STS
``GetCallerIdentity`` (no credentials: exit 5); when the account matches the config, the target is
resolved (unknown cluster/service/task/container: exit 4); then :data:`~.checks.CHECKS` run in
order. A check whose AWS read fails (AccessDenied, throttled after retries) or whose policy
cannot be parsed is reported as WARN ("could not be evaluated"), never as a traceback.
"""

from __future__ import annotations

from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from ecs_exec.aws import ClientFactory, caller_identity, describe_error
from ecs_exec.errors import InvalidValueError, NotFoundError
from generator.lookup import require_cluster
from generator.spec import EnvironmentSpec
from iampolicy import PolicyParseError
from reconciler.preflight import facts as facts_mod
from reconciler.preflight import iam as iam_mod
from reconciler.preflight.checks import CHECKS, Check
from reconciler.preflight.context import Context
from reconciler.preflight.facts import Facts, resolve
from reconciler.preflight.iam import IamOracle
from reconciler.preflight.model import CheckResult, Outcome, Report, skip, warn
from reconciler.preflight.tools import Tools

#: Every IAM action preflight may need (the caller's credentials): identity, target, facts, IAM.
PERMISSIONS = tuple(sorted({"sts:GetCallerIdentity", *facts_mod.PERMISSIONS, *iam_mod.PERMISSIONS}))


def _run_one(check: Check, ctx: Context) -> Outcome:
    if ctx.halted and check.group != "client" and check.id != "caller.identity":
        return skip(ctx.halted)
    try:
        return check.run(ctx)
    except (ClientError, BotoCoreError) as exc:
        return warn(
            f"could not be evaluated: {describe_error(exc)}",
            "give the caller the read permissions of `ecs-exec preflight` (see README)",
        )
    except PolicyParseError as exc:
        return warn(f"could not be evaluated: {exc}", "fix the policy document")


def _check_container(ctx: Context, container: str | None) -> None:
    if container is None or ctx.resolved is None or ctx.target.task is not None:
        return
    names = [str(d.get("name")) for d in (ctx.facts.task_definition() or {}).get("containerDefinitions", [])]
    if container not in names:
        raise NotFoundError(
            f"--container: task definition {ctx.target.task_definition_arn} has no container {container!r} "
            f"(has: {', '.join(names)})"
        )


def run_preflight(
    spec: EnvironmentSpec,
    factory: ClientFactory,
    cluster: str,
    *,
    service: str | None = None,
    task: str | None = None,
    container: str | None = None,
    tools: Tools | None = None,
    iam: IamOracle | None = None,
    checks: tuple[Check, ...] = CHECKS,
    reader: ClientFactory | None = None,
) -> Report:
    """Check ``cluster`` plus ``service`` or ``task`` (exactly one) and return the report.

    Args:
        spec: the environment's desired state; ``cluster`` must be one of its clusters (the service
            need not be named in it).
        factory: AWS clients of the environment's region.
        tools: how to find ``aws`` / ``session-manager-plugin`` (default: PATH and subprocess).
        iam: the IAM oracle (default: simulator when available, else static evaluation).
        checks: the checks to run, in order (default: all of :data:`~.checks.CHECKS`; ``ecs-exec
            shell`` runs the few that make a session fail at once).
        reader: reads the target and its facts (default ``factory``; ``shell`` reads as the exec-window
            role, while the identity and the IAM answers stay the caller's).

    Raises:
        InvalidValueError: not exactly one of service/task (exit 4).
        NotFoundError: the cluster is not in the config (:func:`generator.lookup.require_cluster`); unknown cluster, service, task or container in the account (exit 4).
        AwsError: no credentials (exit 5); other botocore errors while resolving the target propagate.
    """
    if (service is None) == (task is None):
        raise InvalidValueError("give exactly one of --service or --task")
    require_cluster(spec, cluster)
    identity = caller_identity(factory)
    oracle = iam or IamOracle(factory)
    ctx = Context(spec=spec, tools=tools or Tools(), iam=oracle, identity=identity)
    if identity["Account"] == spec.account_id:
        target = resolve(reader or factory, cluster, service=service, task=task, container=container)
        ctx.resolved, ctx.resolved_facts = target, Facts(reader or factory, target)
        _check_container(ctx, container)
    else:
        ctx.halted = (
            f"not checked: the credentials are for account {identity['Account']} (see caller.identity)"
        )
    results = []
    for check in checks:
        outcome = _run_one(check, ctx)
        results.append(CheckResult(check.id, check.group, outcome.status, outcome.reason, outcome.fix))
    described: dict[str, Any] = (
        ctx.target.describe()
        if ctx.resolved
        else {  # same keys as Target.describe(): the JSON schema does not depend on the outcome
            "cluster": cluster,
            "service": service,
            "task": task,
            "container": container,
            "running_tasks": None,
        }
    )
    return Report(target=described, results=tuple(results), notes=tuple(oracle.notes()))
