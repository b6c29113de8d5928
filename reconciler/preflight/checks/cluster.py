"""Cluster checks: the exec configuration, its KMS key, log group and bucket."""

from __future__ import annotations

from typing import Any

from generator.expected import expected_execute_command_configuration
from reconciler.live.exec_config import exec_config_differences
from reconciler.live.model import KEY_NOT_FOUND
from reconciler.preflight.context import Context
from reconciler.preflight.model import Outcome, fail, passed, skip, warn


def _config_diffs(ctx: Context, conf: dict[str, Any]) -> tuple[str, ...]:
    """The fields that differ from what the config renders: the live model's one equality
    (:func:`reconciler.live.exec_config.exec_config_differences`, extra S3 logging included), as
    drift compares; ``kmsKeyId`` only when the config names the key (else ``cluster.kms-key`` judges it)."""
    configured_key = ctx.spec.exec_logging.kms.key_arn
    expected = expected_execute_command_configuration(ctx.spec, ctx.target.cluster_name, configured_key or "")
    return exec_config_differences(expected, conf, ignore=() if configured_key else ("kmsKeyId",))


def cluster_exec_configuration(ctx: Context) -> Outcome:
    """``executeCommandConfiguration`` present (``DescribeClusters`` with ``include=["CONFIGURATIONS"]``),
    logging OVERRIDE with a KMS key, and as the config file wants it."""
    conf = ctx.exec_config()
    fix = f"ecs-exec apply --env {ctx.spec.environment} (or ecs-exec drift fix)"
    if conf is None:
        return fail(
            "the cluster has no executeCommandConfiguration: sessions are neither logged nor encrypted with your key",
            fix,
        )
    logging = conf.get("logging") or "DEFAULT"
    if logging == "NONE":
        return fail("executeCommandConfiguration.logging is NONE: no transcript is kept", fix)
    if logging == "OVERRIDE" and not conf.get("logConfiguration"):
        return fail("logging is OVERRIDE without a logConfiguration", fix)
    problems = []
    if logging == "DEFAULT":
        problems.append("logging is DEFAULT (the container's awslogs, not the dedicated exec log group)")
    if not conf.get("kmsKeyId"):
        problems.append("no kmsKeyId (sessions are not encrypted with your key)")
    diffs = _config_diffs(ctx, conf) if logging == "OVERRIDE" else []
    if diffs:
        problems.append(f"differs from the config file: {', '.join(diffs)}")
    if problems:
        return warn("; ".join(problems), fix)
    return passed(f"logging OVERRIDE, kmsKeyId {conf['kmsKeyId']}")


def cluster_kms_key(ctx: Context) -> Outcome:
    """The session key (``kmsKeyId``) exists and is ``Enabled`` (``DescribeKey``): disabled or pending
    deletion, every session fails, and the transcripts kept so far go with it once deleted."""
    key = ctx.kms_key_arn()
    if key is None:
        return skip("the cluster's exec configuration has no kmsKeyId")
    live = ctx.facts.key(key)
    if live.state == KEY_NOT_FOUND:
        return fail(
            f"KMS key {key} does not exist: every session fails",
            f"ecs-exec apply --env {ctx.spec.environment} (or point kmsKeyId at an existing key)",
        )
    state = live.state
    if live.usable:
        return passed(f"KMS key {key} is Enabled")
    when = f", deletion on {live.deletion_date[:10]}" if live.deletion_date else ""
    cancel = f"aws kms cancel-key-deletion --key-id {key} && " if state == "PendingDeletion" else ""
    return fail(
        f"KMS key {key} is {state}{when}: every session fails", f"{cancel}aws kms enable-key --key-id {key}"
    )


def cluster_log_group(ctx: Context) -> Outcome:
    """The exec log group exists and, with ``cloudWatchEncryptionEnabled``, has a KMS key."""
    name = ctx.log_group_name()
    if not name:
        return skip("no CloudWatch logging in the exec configuration")
    group = ctx.facts.log_group(name)
    fix = f"ecs-exec apply --env {ctx.spec.environment} (creates {name} with the exec KMS key)"
    if group is None:
        return fail(f"log group {name} does not exist: the agent cannot start the session", fix)
    if ctx.log_config().get("cloudWatchEncryptionEnabled") and not group.kms_key_id:
        return fail(
            f"log group {name} has no KMS key but cloudWatchEncryptionEnabled is true: the agent refuses the session",
            fix,
        )
    return passed(f"log group {name}" + (f" encrypted with {group.kms_key_id}" if group.kms_key_id else ""))


def cluster_s3_bucket(ctx: Context) -> Outcome:
    """The transcript bucket exists and, with ``s3EncryptionEnabled``, has default encryption."""
    bucket = ctx.bucket()
    if not bucket:
        return skip("no S3 logging in the exec configuration")
    enc = ctx.facts.bucket_encryption(bucket)
    fix = f"ecs-exec apply --env {ctx.spec.environment} (creates {bucket} with SSE-KMS)"
    if not enc.exists:
        return fail(f"bucket {bucket} does not exist: transcripts cannot be uploaded", fix)
    if ctx.log_config().get("s3EncryptionEnabled") and enc.algorithm is None:
        return fail(
            f"bucket {bucket} has no default encryption but s3EncryptionEnabled is true: uploads fail", fix
        )
    return passed(f"bucket {bucket}" + (f" encrypted with {enc.algorithm}" if enc.algorithm else ""))
