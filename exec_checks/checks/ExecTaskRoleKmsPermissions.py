"""Rule 5 (KMS): a task-role exec policy allows ``kms:Decrypt`` on the cluster's exec KMS key."""

from __future__ import annotations

from collections.abc import Iterator

from checkov.common.models.enums import CheckCategories, CheckResult

from exec_checks.base import ExecGraphCheck, register_graph_check
from exec_checks.ecs import cluster_exec_config
from exec_checks.model import Block, TfModel
from exec_checks.policy import canonical
from exec_checks.task_role import exec_policies
from exec_checks.values import Unknown


class ExecTaskRoleKmsPermissions(ExecGraphCheck):
    check_id = "ECSX_009"
    message = "Task-role exec policy must allow kms:Decrypt on the cluster's exec KMS key"
    hint = "Allow kms:Decrypt on the key ARN of execute_command_configuration.kms_key_id (aws_kms_key.<name>.arn)."
    reports_on = ("aws_iam_policy", "aws_iam_role_policy", "aws_iam_role")
    check_category = CheckCategories.IAM

    def evaluate(self, model: TfModel) -> Iterator[tuple[Block, CheckResult]]:
        for holder, clusters in exec_policies(model):
            if isinstance(clusters, Unknown):
                yield holder.block, CheckResult.UNKNOWN
                continue
            for cluster in clusters:
                key = cluster_exec_config(model, cluster).kms_key_id
                if key is None:
                    yield holder.block, CheckResult.PASSED
                elif isinstance(key, Unknown):
                    yield holder.block, CheckResult.UNKNOWN
                else:
                    allowed = holder.document.allows("kms:Decrypt", canonical(key))
                    yield (
                        holder.block,
                        (
                            CheckResult.PASSED
                            if allowed
                            else CheckResult.FAILED
                            if allowed is False
                            else CheckResult.UNKNOWN
                        ),
                    )


check = register_graph_check(ExecTaskRoleKmsPermissions())
