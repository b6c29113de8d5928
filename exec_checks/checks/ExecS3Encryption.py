"""Rule 3 (S3 transcripts): ``s3_encryption_enabled`` and default encryption on the bucket it names."""

from __future__ import annotations

from collections.abc import Iterator

from checkov.common.models.enums import CheckCategories, CheckResult

from exec_checks.base import ExecGraphCheck, register_graph_check
from exec_checks.ecs import bucket_of, bucket_sse, cluster_exec_config, encryption_flag_result
from exec_checks.model import Block, TfModel
from exec_checks.values import Unknown


class ExecS3Encryption(ExecGraphCheck):
    check_id = "ECSX_005"
    message = "ECS exec transcripts in S3 must be encrypted: s3_encryption_enabled and default encryption on the bucket"
    hint = (
        "Set s3_encryption_enabled = true and give the bucket an "
        "aws_s3_bucket_server_side_encryption_configuration (SSE-KMS with the exec key)."
    )
    reports_on = ("aws_ecs_cluster",)
    check_category = CheckCategories.ENCRYPTION

    def evaluate(self, model: TfModel) -> Iterator[tuple[Block, CheckResult]]:
        for cluster in model.of_type("aws_ecs_cluster"):
            yield cluster, self._cluster(model, cluster)

    @staticmethod
    def _cluster(model: TfModel, cluster: Block) -> CheckResult:
        cfg = cluster_exec_config(model, cluster)
        if cfg.bucket is None:
            return CheckResult.PASSED
        flag = encryption_flag_result(cluster, cfg.s3_encryption, "s3_bucket_encryption_enabled")
        if flag is not None:
            return flag
        bucket = bucket_of(model, cluster)
        if isinstance(bucket, Unknown) or bucket is None:
            return CheckResult.UNKNOWN
        sse = bucket_sse(model, bucket)
        if sse is None:
            return CheckResult.FAILED
        return CheckResult.PASSED


check = register_graph_check(ExecS3Encryption())
