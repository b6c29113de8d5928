"""Rule 5 (S3): a task-role exec policy allows ``s3:GetEncryptionConfiguration`` on the bucket ARN,
``s3:PutObject`` under the key prefix, and ``kms:GenerateDataKey`` on the bucket's key when SSE-KMS."""

from __future__ import annotations

from checkov.common.models.enums import CheckResult

from exec_checks.base import register_graph_check, result_of, worst
from exec_checks.ecs import ExecConfig, bucket_of, bucket_sse, cluster_exec_config
from exec_checks.iam import PolicyHolder
from exec_checks.model import Block, TfModel
from exec_checks.policy import canonical
from exec_checks.task_role import TaskRolePolicyCheck
from exec_checks.values import Unknown, attr, is_unknown


def _sse_kms_key(model: TfModel, cluster: Block) -> str | None | Unknown:
    """Canonical key of the bucket's SSE-KMS default encryption (None when not SSE-KMS with a key)."""
    bucket = bucket_of(model, cluster)
    if not isinstance(bucket, Block):
        return Unknown()
    sse = bucket_sse(model, bucket)
    if isinstance(sse, Unknown):
        return sse
    if sse is None or not str(attr(sse, "sse_algorithm", "")).startswith("aws:kms"):
        return None
    key = attr(sse, "kms_master_key_id")
    if key is None:
        return None  # the AWS managed key aws/s3: its key policy lets S3 use it for the account
    text = model.substitute(key, bucket.scope) if isinstance(key, str) and is_unknown(key) else key
    return canonical(text) if isinstance(text, str) else Unknown()


def evaluate_bucket(model: TfModel, holder: PolicyHolder, cluster: Block, cfg: ExecConfig) -> CheckResult:
    """The rule for one policy and one cluster logging to S3."""
    if not isinstance(cfg.bucket, str) or isinstance(cfg.key_prefix, Unknown):
        return CheckResult.UNKNOWN
    doc = holder.document
    prefix = cfg.key_prefix or ""
    results = [
        result_of(doc.allows("s3:GetEncryptionConfiguration", f"s3:{cfg.bucket}")),
        result_of(doc.allows("s3:PutObject", f"s3:{cfg.bucket}/{prefix}ecs-exec-session.log")),
    ]
    key = _sse_kms_key(model, cluster)
    if isinstance(key, Unknown):
        results.append(CheckResult.UNKNOWN)
    elif key is not None:
        results.append(result_of(doc.allows("kms:GenerateDataKey", key)))
    return worst(results)


class ExecTaskRoleS3Permissions(TaskRolePolicyCheck):
    check_id = "ECSX_008"
    message = "Task-role exec policy: s3:GetEncryptionConfiguration on the bucket, s3:PutObject under the prefix, kms:GenerateDataKey for SSE-KMS"
    hint = (
        'Allow s3:GetEncryptionConfiguration on the bucket ARN (no "/*"), s3:PutObject on "<bucket-arn>/<prefix>*", '
        "and kms:GenerateDataKey on the bucket's KMS key when it is SSE-KMS."
    )

    def judge(self, model: TfModel, holder: PolicyHolder, cluster: Block) -> CheckResult:
        cfg = cluster_exec_config(model, cluster)
        if not cfg.logs_sessions or cfg.bucket is None:
            return CheckResult.PASSED
        return evaluate_bucket(model, holder, cluster, cfg)


check = register_graph_check(ExecTaskRoleS3Permissions())
