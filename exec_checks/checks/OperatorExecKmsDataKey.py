"""Rule 8: a principal allowed ``ecs:ExecuteCommand`` into a cluster whose exec sessions use a KMS key
also needs ``kms:GenerateDataKey`` on that key, or every session fails at the handshake
(aws-cli #7902). Judged on the policy alone when nothing attaches it, else on the union of each
role's policies."""

from __future__ import annotations

from collections.abc import Iterator

from checkov.common.models.enums import CheckCategories, CheckResult

from exec_checks.base import ExecGraphCheck, register_graph_check
from exec_checks.iam import HOLDER_TYPES, policy_holders
from exec_checks.model import Block, TfModel
from exec_checks.operator import exec_kms_data_key


class OperatorExecKmsDataKey(ExecGraphCheck):
    check_id = "ECSX_021"
    message = "ecs:ExecuteCommand allowed into a KMS-keyed cluster without kms:GenerateDataKey on its exec key: every session fails"
    hint = "Allow kms:GenerateDataKey on the cluster's execute_command_configuration.kms_key_id (the key ARN) to the same principal as ecs:ExecuteCommand."
    reports_on = HOLDER_TYPES
    check_category = CheckCategories.IAM

    def evaluate(self, model: TfModel) -> Iterator[tuple[Block, CheckResult]]:
        for holder in policy_holders(model):
            for result in exec_kms_data_key(model, holder):
                yield holder.block, result


check = register_graph_check(OperatorExecKmsDataKey())
