"""Rule 5 (KMS): a task-role exec policy allows ``kms:Decrypt`` on the cluster's exec KMS key."""

from __future__ import annotations

from checkov.common.models.enums import CheckResult

from exec_checks.base import register_graph_check, result_of
from exec_checks.ecs import cluster_exec_config
from exec_checks.iam import PolicyHolder
from exec_checks.model import Block, TfModel
from exec_checks.policy import canonical
from exec_checks.task_role import TaskRolePolicyCheck
from exec_checks.values import Unknown


class ExecTaskRoleKmsPermissions(TaskRolePolicyCheck):
    check_id = "ECSX_009"
    message = "Task-role exec policy must allow kms:Decrypt on the cluster's exec KMS key"
    hint = "Allow kms:Decrypt on the key ARN of execute_command_configuration.kms_key_id (aws_kms_key.<name>.arn)."

    def judge(self, model: TfModel, holder: PolicyHolder, cluster: Block) -> CheckResult:
        key = cluster_exec_config(model, cluster).kms_key_id
        if key is None:
            return CheckResult.PASSED
        if isinstance(key, Unknown):
            return CheckResult.UNKNOWN
        return result_of(holder.document.allows("kms:Decrypt", canonical(key)))


check = register_graph_check(ExecTaskRoleKmsPermissions())
