"""Rule 8: Operator policy allows ecs:ExecuteCommand on Resource "*" with no condition."""

from __future__ import annotations

from collections.abc import Iterator

from checkov.common.models.enums import CheckCategories, CheckResult

from exec_checks.base import ExecGraphCheck, register_graph_check
from exec_checks.iam import HOLDER_TYPES, policy_holders
from exec_checks.model import Block, TfModel
from exec_checks.operator import exec_any_resource


class OperatorExecAnyResource(ExecGraphCheck):
    check_id = "ECSX_014"
    message = 'Operator policy allows ecs:ExecuteCommand on Resource "*" with no condition'
    hint = 'Scope ecs:ExecuteCommand to "arn:aws:ecs:<region>:<account>:task/<cluster>/*" (and the cluster ARN), narrowed by an ecs:container-name or tag condition.'
    reports_on = HOLDER_TYPES
    check_category = CheckCategories.IAM

    def evaluate(self, model: TfModel) -> Iterator[tuple[Block, CheckResult]]:
        for holder in policy_holders(model):
            result = exec_any_resource(holder)
            if result is not None:
                yield holder.block, result


check = register_graph_check(OperatorExecAnyResource())
