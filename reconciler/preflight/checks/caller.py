"""Caller checks: who runs preflight may exec, may use the key, and may not bypass ECS Exec."""

from __future__ import annotations

from generator.permissions import (
    OPERATOR_DENIED_ACTIONS,
    OPERATOR_EXEC_ACTIONS,
    OPERATOR_KMS_ACTIONS,
)
from iampolicy import Decision
from reconciler.preflight.checks.verdict import iam_outcome
from reconciler.preflight.context import Context, worst
from reconciler.preflight.iam import Answer
from reconciler.preflight.model import Outcome, fail, passed, skip, warn


def caller_identity(ctx: Context) -> Outcome:
    """Credentials work (STS ``GetCallerIdentity``) and belong to the config's ``account_id``."""
    ident = ctx.identity
    if ident["Account"] != ctx.spec.account_id:
        return fail(
            f"credentials are for account {ident['Account']} ({ident['Arn']}), the config expects {ctx.spec.account_id}",
            f"use credentials (AWS_PROFILE) of account {ctx.spec.account_id}",
        )
    return passed(f"{ident['Arn']} in account {ident['Account']}")


def _containers_to_judge(ctx: Context) -> list[str]:
    return [str(d["name"]) for d in ctx.container_definitions()] or [ctx.target.container or "*"]


def caller_ecs_execute_command(ctx: Context) -> Outcome:
    """The caller may ``ecs:ExecuteCommand`` on the task (and the cluster), per container."""
    caller = ctx.caller_arn
    fix = "use an operator role of this environment (access.operators) that covers this cluster and container"
    per_container: dict[str, list[Answer]] = {}
    for name in _containers_to_judge(ctx):
        context = {"ecs:container-name": name}
        per_container[name] = ctx.ask_all(
            caller,
            [(a, r) for a in OPERATOR_EXEC_ACTIONS for r in (ctx.task_arn_for_iam(), ctx.target.cluster_arn)],
            context,
        )
    allowed = [n for n, answers in per_container.items() if worst(answers) is Decision.ALLOWED]
    if ctx.target.container is None and allowed:
        return passed(f"{caller} may exec into container(s) {', '.join(allowed)}")
    answers = [a for name in per_container for a in per_container[name]]
    return iam_outcome(
        answers, caller, fix, unevaluable="grant the caller iam:Get*/List* on itself, or check by hand"
    )


def caller_kms_generate_data_key(ctx: Context) -> Outcome:
    """With a session key: the caller may ``kms:GenerateDataKey`` on it."""
    key = ctx.kms_key_arn()
    if key is None:
        return skip("the cluster's exec configuration has no kmsKeyId")
    caller = ctx.caller_arn
    answers = ctx.ask_all(caller, [(a, key) for a in OPERATOR_KMS_ACTIONS])
    fix = f"allow kms:GenerateDataKey on {key} to the caller (operator role)"
    return iam_outcome(answers, caller, fix, unevaluable="check the caller's KMS permissions by hand")


def caller_ssm_start_session(ctx: Context) -> Outcome:
    """Warn when the caller may ``ssm:StartSession`` on ECS targets (bypasses ECS Exec's controls)."""
    caller = ctx.caller_arn
    answers = ctx.ask_all(caller, [(a, ctx.task_arn_for_iam()) for a in OPERATOR_DENIED_ACTIONS])
    decision = worst(answers)
    if decision in (Decision.DENIED, Decision.NOT_ALLOWED):
        return passed(f"{caller} may not ssm:StartSession on ECS tasks")
    detail = "; ".join(dict.fromkeys(a.explanation for a in answers))
    fix = "deny ssm:StartSession on arn:aws:ecs:*:*:task/* to the caller (the operator policy does)"
    if decision is None:
        return warn(f"cannot be evaluated: {detail}", fix)
    return warn(f"{caller} may open SSM sessions to ECS tasks, bypassing ECS Exec's controls: {detail}", fix)
