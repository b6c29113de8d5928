"""Expected API shapes derived from the spec: what ``DescribeClusters`` etc. should return.

The generator renders Terraform from the same spec, and the reconciler compares the live answers
with these shapes, so "what Terraform writes" and "what drift means" cannot disagree.
"""

from __future__ import annotations

from typing import Any

from generator.spec import ContainerInsights, EnvironmentSpec, ExecMode


def kms_key_arn_from_config(spec: EnvironmentSpec) -> str | None:
    """The configured existing key ARN, or None when the generator creates one per cluster
    (then the reconciler resolves ``spec.kms_alias_name(cluster)`` to a key ARN)."""
    return spec.exec_logging.kms.key_arn


def expected_execute_command_configuration(
    spec: EnvironmentSpec, cluster: str, kms_key_arn: str
) -> dict[str, Any]:
    """``configuration.executeCommandConfiguration`` as ``DescribeClusters`` returns it.

    Args:
        kms_key_arn: the key ARN (configured, or resolved from the generator's alias).

    Shape: ``{"kmsKeyId": arn, "logging": "OVERRIDE", "logConfiguration": {"cloudWatchLogGroupName": ...,
    "cloudWatchEncryptionEnabled": True, ["s3BucketName", "s3EncryptionEnabled", "s3KeyPrefix"]}}``.
    """
    log_conf: dict[str, Any] = {
        "cloudWatchLogGroupName": spec.exec_log_group_name(cluster),
        "cloudWatchEncryptionEnabled": True,
    }
    bucket = spec.s3_bucket_name(cluster)
    if bucket is not None and spec.exec_logging.s3 is not None:
        log_conf["s3BucketName"] = bucket
        log_conf["s3EncryptionEnabled"] = True
        log_conf["s3KeyPrefix"] = spec.exec_logging.s3.key_prefix
    return {"kmsKeyId": kms_key_arn, "logging": "OVERRIDE", "logConfiguration": log_conf}


def expected_container_insights(spec: EnvironmentSpec, cluster: str) -> str:
    """Value of the ``containerInsights`` cluster setting."""
    cl = spec.cluster(cluster)
    return (cl.container_insights if cl else ContainerInsights.ENABLED).value


def expected_service_exec(mode: ExecMode, window_open: bool) -> bool | None:
    """Desired ``enableExecuteCommand`` of a service given its cluster's mode.

    Returns False for ``never``, True for ``always``; for ``windowed``: None (either is fine) while a
    valid window is open, False otherwise.
    """
    if mode is ExecMode.NEVER:
        return False
    if mode is ExecMode.ALWAYS:
        return True
    return None if window_open else False
