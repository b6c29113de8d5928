"""Rule 8: an ``ecs:cluster`` condition compares the cluster ARN, never a cluster name (a statement
with ``StringEquals = { "ecs:cluster" = "payments" }`` never matches)."""

from __future__ import annotations

from collections.abc import Iterator

from checkov.common.models.enums import CheckCategories, CheckResult

from exec_checks.base import ExecGraphCheck, register_graph_check
from exec_checks.iam import HOLDER_TYPES, policy_holders
from exec_checks.model import Block, TfModel
from exec_checks.operator import cluster_condition_arns


class OperatorClusterConditionArn(ExecGraphCheck):
    check_id = "ECSX_022"
    message = "ecs:cluster condition compared with a value that is not an ARN (the key holds the cluster ARN): the statement never matches"
    hint = 'Compare ecs:cluster with the cluster ARN: ArnEquals = { "ecs:cluster" = "arn:aws:ecs:<region>:<account>:cluster/<name>" } (aws_ecs_cluster.<name>.arn).'
    reports_on = HOLDER_TYPES
    check_category = CheckCategories.IAM

    def evaluate(self, model: TfModel) -> Iterator[tuple[Block, CheckResult]]:
        for holder in policy_holders(model):
            result = cluster_condition_arns(holder)
            if result is not None:
                yield holder.block, result


check = register_graph_check(OperatorClusterConditionArn())
