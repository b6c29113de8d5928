"""Task-role checks: the effective task role, its IAM permissions, the key and bucket policies."""

from __future__ import annotations

from typing import Any

from generator.permissions import (
    TASK_ROLE_KMS_ACTIONS,
    TASK_ROLE_KMS_S3_ACTIONS,
    TASK_ROLE_LOGS_LIST_ACTIONS,
    TASK_ROLE_LOGS_WRITE_ACTIONS,
    TASK_ROLE_S3_BUCKET_ACTIONS,
    TASK_ROLE_S3_OBJECT_ACTIONS,
    TASK_ROLE_SSM_ACTIONS,
)
from iampolicy import Decision, evaluate, parse_policy
from reconciler.preflight.checks.verdict import iam_outcome
from reconciler.preflight.context import AGENT_CONTEXT, PROBE_STREAM, Context
from reconciler.preflight.model import Outcome, fail, passed, skip, warn


def task_role(ctx: Context) -> Outcome:
    """The effective task role (RunTask override first, else the task definition's) exists."""
    arn, source = ctx.task_role()
    if arn is None:
        return fail(
            "the task has no task role: the SSM agent has no credentials",
            "set taskRoleArn in the task definition",
        )
    if not ctx.task_role_exists():
        return fail(
            f"task role {arn} (from the {source}) does not exist", f"create the role or fix the {source}"
        )
    role = ctx.iam.get_role(arn.rsplit("/", 1)[-1]) or {}
    boundary = (role.get("PermissionsBoundary") or {}).get("PermissionsBoundaryArn")
    note = f"; permissions boundary {boundary} is not evaluated" if boundary else ""
    return passed(f"{arn} (from the {source}){note}")


def _role_check(ctx: Context, requests: list[tuple[str, str]], fix: str) -> Outcome:
    arn, _ = ctx.task_role()
    if arn is None or not ctx.task_role_exists():
        return skip("no task role to evaluate (see task.role)")
    answers = ctx.ask_all(arn, requests, AGENT_CONTEXT)
    return iam_outcome(
        answers, f"task role {arn}", fix, unevaluable="grant the caller iam:Get*/List* on the task role"
    )


def _policy_fix(ctx: Context) -> str:
    return f"attach {ctx.spec.task_exec_policy_name(ctx.target.cluster_name)} (rendered by ecs-exec render) to the task role"


def task_role_ssmmessages(ctx: Context) -> Outcome:
    """The task role allows the four ``ssmmessages`` channel actions (Resource ``*``)."""
    return _role_check(ctx, [(a, "*") for a in TASK_ROLE_SSM_ACTIONS], _policy_fix(ctx))


def task_role_logs_describe(ctx: Context) -> Outcome:
    """``logs:DescribeLogGroups`` evaluated against a literal ``*`` (scoped to the group, the agent
    refuses the session with "encryption is not set up")."""
    if not ctx.log_group_name():
        return skip("no CloudWatch logging in the exec configuration")
    return _role_check(ctx, [(a, "*") for a in TASK_ROLE_LOGS_LIST_ACTIONS], _policy_fix(ctx))


def task_role_logs_write(ctx: Context) -> Outcome:
    """The log-write actions evaluated against ``<group-arn>:log-stream:<name>``."""
    if not ctx.log_group_name():
        return skip("no CloudWatch logging in the exec configuration")
    stream = f"{ctx.log_group_arn()}:log-stream:{PROBE_STREAM}"
    return _role_check(ctx, [(a, stream) for a in TASK_ROLE_LOGS_WRITE_ACTIONS], _policy_fix(ctx))


def task_role_s3(ctx: Context) -> Outcome:
    """``s3:PutObject`` on a transcript object and ``s3:GetEncryptionConfiguration`` on the bucket."""
    if not ctx.bucket():
        return skip("no S3 logging in the exec configuration")
    requests = [(a, ctx.object_arn()) for a in TASK_ROLE_S3_OBJECT_ACTIONS]
    requests += [(a, ctx.bucket_arn()) for a in TASK_ROLE_S3_BUCKET_ACTIONS]
    return _role_check(ctx, requests, _policy_fix(ctx))


def _kms_actions(ctx: Context) -> tuple[str, ...]:
    return TASK_ROLE_KMS_ACTIONS + (TASK_ROLE_KMS_S3_ACTIONS if ctx.bucket_uses_kms() else ())


def task_role_kms(ctx: Context) -> Outcome:
    """``kms:Decrypt`` on the session key, plus ``kms:GenerateDataKey`` when the bucket is SSE-KMS."""
    key = ctx.kms_key_arn()
    if key is None:
        return skip("the cluster's exec configuration has no kmsKeyId")
    return _role_check(ctx, [(a, key) for a in _kms_actions(ctx)], _policy_fix(ctx))


def _resource_policy_outcome(
    ctx: Context, document: Any, name: str, requests: list[tuple[str, str]], *, needs_allow: bool
) -> Outcome:
    arn, _ = ctx.task_role()
    assert arn is not None  # callers skip without a role
    policy = parse_policy(document, name)
    results = [evaluate([policy], a, r, principal=arn, context=AGENT_CONTEXT) for a, r in requests]
    fix = f"remove or narrow the Deny in the {name} so that it does not cover {arn}"
    denied = [r for r in results if r.decision is Decision.DENIED]
    if denied:
        return fail("; ".join(r.explain() for r in denied), fix)
    maybe = [r for r in results if r.may_be_denied]
    if maybe:
        return warn("; ".join(r.explain() for r in maybe) + " (a Deny with conditions not evaluated)", fix)
    if needs_allow:
        missing = [r for r in results if r.decision is not Decision.ALLOWED]
        if missing:
            return fail(
                "; ".join(r.explain() for r in missing)
                + " (neither the role nor the account root is granted)",
                f"grant the account root (IAM delegation) or {arn} in the {name}",
            )
    return passed(f"the {name} does not deny {', '.join(sorted({a for a, _ in requests}))} to the task role")


def task_key_policy(ctx: Context) -> Outcome:
    """The key policy does not deny the task role's KMS actions (and grants them, directly or via the root)."""
    key = ctx.kms_key_arn()
    if key is None:
        return skip("the cluster's exec configuration has no kmsKeyId")
    arn, _ = ctx.task_role()
    if arn is None or not ctx.task_role_exists():
        return skip("no task role to evaluate (see task.role)")
    document = ctx.facts.key_policy(key)
    return _resource_policy_outcome(
        ctx, document, "key policy", [(a, key) for a in _kms_actions(ctx)], needs_allow=True
    )


def task_bucket_policy(ctx: Context) -> Outcome:
    """The bucket policy does not deny the task role's S3 actions."""
    bucket = ctx.bucket()
    if not bucket:
        return skip("no S3 logging in the exec configuration")
    arn, _ = ctx.task_role()
    if arn is None or not ctx.task_role_exists():
        return skip("no task role to evaluate (see task.role)")
    if not ctx.facts.bucket_encryption(bucket).exists:
        return skip(f"bucket {bucket} does not exist (see cluster.s3-bucket)")
    document = ctx.facts.bucket_policy(bucket)
    if document is None:
        return passed(f"bucket {bucket} has no bucket policy")
    requests = [(a, ctx.object_arn()) for a in TASK_ROLE_S3_OBJECT_ACTIONS]
    requests += [(a, ctx.bucket_arn()) for a in TASK_ROLE_S3_BUCKET_ACTIONS]
    return _resource_policy_outcome(ctx, document, "bucket policy", requests, needs_allow=False)
