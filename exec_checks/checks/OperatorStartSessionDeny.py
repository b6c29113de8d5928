"""Rule 8: Policy allows ssm:StartSession on "*" without denying it on ECS task targets (bypasses ECS exec controls)."""

from __future__ import annotations

from collections.abc import Iterator

from checkov.common.models.enums import CheckCategories, CheckResult

from exec_checks.base import ExecGraphCheck, register_graph_check
from exec_checks.iam import HOLDER_TYPES, policy_holders
from exec_checks.model import Block, TfModel
from exec_checks.operator import start_session_unguarded


class OperatorStartSessionDeny(ExecGraphCheck):
    check_id = "ECSX_016"
    message = 'Policy allows ssm:StartSession on "*" without denying it on ECS task targets (bypasses ECS exec controls)'
    hint = 'Add a Deny statement for ssm:StartSession on "arn:aws:ecs:*:*:task/*", or scope ssm:StartSession to the instances/documents it is meant for.'
    reports_on = HOLDER_TYPES
    check_category = CheckCategories.IAM

    def evaluate(self, model: TfModel) -> Iterator[tuple[Block, CheckResult]]:
        for holder in policy_holders(model):
            result = start_session_unguarded(model, holder)
            if result is not None:
                yield holder.block, result


check = register_graph_check(OperatorStartSessionDeny())
