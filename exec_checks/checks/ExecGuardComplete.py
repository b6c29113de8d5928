"""Rule 10 (guards): a policy that denies turning ECS Exec on denies it on all six actions that take
``ecs:enable-execute-command``, and tests the String-typed key with a String operator."""

from __future__ import annotations

from collections.abc import Iterator

from checkov.common.models.enums import CheckCategories, CheckResult

from exec_checks.base import ExecGraphCheck, register_graph_check
from exec_checks.guard import denied, guards, is_guard, uses_wrong_operator
from exec_checks.model import Block, TfModel


class ExecGuardComplete(ExecGraphCheck):
    check_id = "ECSX_019"
    message = "Exec guard leaves a door open: denies only some exec-enabling ECS actions, or tests ecs:enable-execute-command with a non-String operator"
    hint = (
        "Deny ecs:CreateService, ecs:UpdateService, ecs:RunTask, ecs:StartTask, ecs:CreateDaemon and "
        'ecs:UpdateDaemon together, with { StringEquals = { "ecs:enable-execute-command" = "true" } } '
        "(the key is a String: not Bool / BoolIfExists)."
    )
    reports_on = ("aws_iam_policy", "aws_organizations_policy", "aws_iam_policy_document")
    check_category = CheckCategories.IAM

    def evaluate(self, model: TfModel) -> Iterator[tuple[Block, CheckResult]]:
        for guard in guards(model):
            doc = guard.document
            if doc.unknown or not is_guard(doc):
                continue
            if uses_wrong_operator(doc):
                yield guard.block, CheckResult.FAILED
                continue
            results = set(denied(doc).values())
            if results == {False}:
                continue  # conditioned on the key, but denies nothing when it is "true": not a guard
            if True in results and False in results:
                yield guard.block, CheckResult.FAILED
            elif results == {True}:
                yield guard.block, CheckResult.PASSED
            else:
                yield guard.block, CheckResult.UNKNOWN


check = register_graph_check(ExecGuardComplete())
