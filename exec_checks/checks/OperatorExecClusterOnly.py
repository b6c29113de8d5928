"""Rule 8: Operator policy scopes ecs:ExecuteCommand to a cluster without task/<cluster>/*: ECS will deny the call."""

from __future__ import annotations

from collections.abc import Iterator

from checkov.common.models.enums import CheckCategories, CheckResult

from exec_checks.base import ExecGraphCheck, register_graph_check
from exec_checks.iam import HOLDER_TYPES, policy_holders
from exec_checks.model import Block, TfModel
from exec_checks.operator import exec_cluster_only


class OperatorExecClusterOnly(ExecGraphCheck):
    check_id = "ECSX_015"
    message = "Operator policy scopes ecs:ExecuteCommand to a cluster without task/<cluster>/*: ECS will deny the call"
    hint = 'Add "arn:aws:ecs:<region>:<account>:task/<cluster>/*" next to the cluster ARN in the ecs:ExecuteCommand statement.'
    reports_on = HOLDER_TYPES
    check_category = CheckCategories.IAM
    level = "warning"

    def evaluate(self, model: TfModel) -> Iterator[tuple[Block, CheckResult]]:
        for holder in policy_holders(model):
            result = exec_cluster_only(holder)
            if result is not None:
                yield holder.block, result


check = register_graph_check(OperatorExecClusterOnly())
