"""Rule 10 (guards): a policy that denies turning ECS Exec on denies it on all six actions that take
``ecs:enable-execute-command``, on the resources they are authorized on, for every request with the
key ``"true"`` (a String operator, case-sensitive value, no narrowing condition): see
:mod:`exec_checks.guard`."""

from __future__ import annotations

from collections.abc import Iterator

from checkov.common.models.enums import CheckCategories, CheckResult

from exec_checks.base import ExecGraphCheck, register_graph_check
from exec_checks.guard import denied, guards, is_guard, uses_wrong_operator
from exec_checks.model import Block, TfModel


class ExecGuardComplete(ExecGraphCheck):
    check_id = "ECSX_019"
    message = 'Exec guard leaves a door open: denies only some exec-enabling ECS actions or resources, narrows the Deny with another condition, or tests ecs:enable-execute-command with a non-String operator or a value that never matches "true"'
    hint = (
        "Deny ecs:CreateService, ecs:UpdateService, ecs:RunTask, ecs:StartTask, ecs:CreateDaemon and "
        'ecs:UpdateDaemon together, with { StringEquals = { "ecs:enable-execute-command" = "true" } } '
        '(the key is a String: not Bool / BoolIfExists; StringEquals is case-sensitive: "true", not "True"), '
        'on Resource = "*", with no other condition than an exemption such as ArnNotLike aws:PrincipalArn.'
    )
    reports_on = (
        "aws_iam_policy",
        "aws_organizations_policy",
        "aws_iam_group_policy",
        "aws_iam_policy_document",
    )
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
            if False in results:  # a door open (or all of them: the key never "true", a narrowed Deny)
                yield guard.block, CheckResult.FAILED
            elif results == {True}:
                yield guard.block, CheckResult.PASSED
            else:
                yield guard.block, CheckResult.UNKNOWN


check = register_graph_check(ExecGuardComplete())
