"""The questions the README's promises ask of a principal, over the catalogue and the evaluator.

Each answer is a :class:`~iampolicy.model.Decision` for one fully described request (a complete
:class:`~iampolicy.conditions.RequestContext`: keys it does not set are absent). Used by the promise
suite over the rendered Terraform and by ``ecs-exec access report`` over the live account.
Resources and condition keys per action: the Service Authorization Reference for ECS, SSM, STS and
CloudWatch Logs (https://docs.aws.amazon.com/service-authorization/latest/reference/).
"""

from __future__ import annotations

from collections.abc import Iterable

from iampolicy import actions
from iampolicy.conditions import RequestContext
from iampolicy.model import Decision, Policy
from iampolicy.principal import Principal, can_assume, decide

#: Best first: ``allowed`` > ``conditional`` > ``not-allowed`` > ``denied``.
_RANK = {Decision.ALLOWED: 3, Decision.CONDITIONAL: 2, Decision.NOT_ALLOWED: 1, Decision.DENIED: 0}


def best(decisions: Iterable[Decision]) -> Decision:
    """The most permissive of ``decisions`` (the principal can if any one way works)."""
    return max(decisions, key=_RANK.__getitem__, default=Decision.NOT_ALLOWED)


def weakest(decisions: Iterable[Decision]) -> Decision:
    """The least permissive of ``decisions`` (every one of them is needed)."""
    return min(decisions, key=_RANK.__getitem__, default=Decision.ALLOWED)


def caller_keys(p: Principal) -> dict[str, str]:
    """The global condition keys every request of ``p`` carries: ``aws:PrincipalArn``,
    ``aws:PrincipalType`` and, for an IAM user, ``aws:username``
    (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html)."""
    keys = {"aws:principalarn": p.arn, "aws:principaltype": "User" if p.type == "user" else "AssumedRole"}
    if p.type == "user":
        keys["aws:username"] = p.name
    return keys


def ecs_arn(partition: str, region: str, account: str, resource: str) -> str:
    """``arn:<partition>:ecs:<region>:<account>:<resource>``."""
    return f"arn:{partition}:ecs:{region}:{account}:{resource}"


def _exec_on_resource(action: str, cluster_arn: str, service: str) -> str:
    prefix, _, cluster = cluster_arn.rpartition(":cluster/")
    if action in actions.TASK_LAUNCH_ACTIONS:
        return f"{prefix}:task-definition/{service}:1"
    if action.endswith("Daemon"):
        return f"{prefix}:daemon/{cluster}/{service}"
    return f"{prefix}:service/{cluster}/{service}"


def turn_exec_on(
    p: Principal, cluster_arn: str, service: str, action: str, *, scps: tuple[Policy, ...] = ()
) -> Decision:
    """May ``p`` call ``action`` (one of :data:`~iampolicy.actions.ENABLE_EXECUTE_COMMAND_ACTIONS`)
    with ``enableExecuteCommand=true`` for ``service`` of ``cluster_arn``? Context:
    ``ecs:enable-execute-command`` = ``"true"``, ``ecs:cluster`` and :func:`caller_keys`."""
    ctx = RequestContext(
        {
            actions.ENABLE_EXECUTE_COMMAND_KEY: "true",
            actions.ECS_CLUSTER_KEY: cluster_arn,
            **caller_keys(p),
        },
        complete=True,
    )
    return decide(p, action, _exec_on_resource(action, cluster_arn, service), ctx, scps=scps)


def turn_exec_on_any(
    p: Principal, cluster_arn: str, service: str, *, scps: tuple[Policy, ...] = ()
) -> Decision:
    """The most permissive answer of :func:`turn_exec_on` over every action that takes the key."""
    return best(
        turn_exec_on(p, cluster_arn, service, a, scps=scps) for a in actions.ENABLE_EXECUTE_COMMAND_ACTIONS
    )


def execute_command(
    p: Principal, cluster_arn: str, container: str, *, scps: tuple[Policy, ...] = ()
) -> Decision:
    """May ``p`` call ``ecs:ExecuteCommand`` into ``container`` of a task of ``cluster_arn``? ECS
    authorizes it on the cluster and on the task, so both must allow. Context: ``ecs:cluster``,
    ``ecs:container-name`` and :func:`caller_keys`."""
    prefix, _, cluster = cluster_arn.rpartition(":cluster/")
    task = f"{prefix}:task/{cluster}/0123456789abcdef0123456789abcdef"
    ctx = RequestContext(
        {
            actions.ECS_CLUSTER_KEY: cluster_arn,
            actions.ECS_CONTAINER_NAME_KEY: container,
            **caller_keys(p),
        },
        complete=True,
    )
    return weakest(decide(p, actions.ECS_EXECUTE_COMMAND, r, ctx, scps=scps) for r in (cluster_arn, task))


def start_session_on_task(p: Principal, cluster_arn: str, *, scps: tuple[Policy, ...] = ()) -> Decision:
    """May ``p`` call ``ssm:StartSession`` with an ECS task of ``cluster_arn`` as its target (its
    resource is the task ARN)?"""
    prefix, _, cluster = cluster_arn.rpartition(":cluster/")
    task = f"{prefix}:task/{cluster}/0123456789abcdef0123456789abcdef"
    ctx = RequestContext(caller_keys(p), complete=True)
    return decide(p, actions.SSM_START_SESSION, task, ctx, scps=scps)


def assume_role(
    p: Principal, role: Principal, source_identity: str | None, *, scps: tuple[Policy, ...] = ()
) -> Decision:
    """May ``p`` assume ``role`` setting ``source_identity`` (None: none)? See :func:`can_assume`."""
    return can_assume(p, role, source_identity, scps=scps)


def read_transcripts(
    p: Principal,
    log_group_arn: str,
    *,
    bucket: str | None = None,
    key_prefix: str = "",
    kms_key_arn: str | None = None,
    scps: tuple[Policy, ...] = (),
) -> Decision:
    """May ``p`` read a session transcript: a stream of the exec log group (``logs:GetLogEvents`` or
    ``logs:FilterLogEvents``), or, with S3 logging, an object under the prefix (``s3:GetObject``,
    plus ``kms:Decrypt`` on the key for SSE-KMS)?"""
    ctx = RequestContext(caller_keys(p), complete=True)
    partition = log_group_arn.split(":")[1]
    stream = f"{log_group_arn}:log-stream:ecs-execute-command-0a1b2c3d4e5f60001"
    ways = [decide(p, a, stream, ctx, scps=scps) for a in actions.LOGS_READ_ACTIONS]
    if bucket:
        obj = f"arn:{partition}:s3:::{bucket}/{key_prefix}ecs-execute-command-0a1b2c3d4e5f60001.log"
        needed = [decide(p, a, obj, ctx, scps=scps) for a in actions.S3_READ_ACTIONS]
        if kms_key_arn:
            needed.append(decide(p, actions.KMS_DECRYPT, kms_key_arn, ctx, scps=scps))
        ways.append(weakest(needed))
    return best(ways)
