"""Rule 3 (CloudWatch transcripts): ``cloud_watch_encryption_enabled`` and a KMS key on the log group it names."""

from __future__ import annotations

from collections.abc import Iterator

from checkov.common.models.enums import CheckCategories, CheckResult

from exec_checks.base import ExecGraphCheck, register_graph_check
from exec_checks.ecs import cluster_exec_config, encryption_flag_result, log_group_of
from exec_checks.model import Block, TfModel
from exec_checks.values import Unknown


class ExecCloudWatchEncryption(ExecGraphCheck):
    check_id = "ECSX_004"
    message = "ECS exec transcripts in CloudWatch must be encrypted: cloud_watch_encryption_enabled and a KMS key on the log group"
    hint = "Set cloud_watch_encryption_enabled = true and kms_key_id (a key ARN) on the exec log group's aws_cloudwatch_log_group."
    reports_on = ("aws_ecs_cluster",)
    check_category = CheckCategories.ENCRYPTION

    def evaluate(self, model: TfModel) -> Iterator[tuple[Block, CheckResult]]:
        for cluster in model.of_type("aws_ecs_cluster"):
            yield cluster, self._cluster(model, cluster)

    @staticmethod
    def _cluster(model: TfModel, cluster: Block) -> CheckResult:
        cfg = cluster_exec_config(model, cluster)
        if cfg.log_group is None:
            return CheckResult.PASSED
        flag = encryption_flag_result(cluster, cfg.cloud_watch_encryption, "cloud_watch_encryption_enabled")
        if flag is not None:
            return flag
        group = log_group_of(model, cluster)
        if isinstance(group, Unknown) or group is None:
            return CheckResult.UNKNOWN
        key = group.attr("kms_key_id")
        if key is None:
            return CheckResult.FAILED
        if isinstance(key, str) and (key.startswith("arn:") or "aws_kms_key." in key):
            return CheckResult.PASSED
        return CheckResult.UNKNOWN


check = register_graph_check(ExecCloudWatchEncryption())
