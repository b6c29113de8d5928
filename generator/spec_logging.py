"""Where exec transcripts go: the exec log group, the optional S3 copy (with Object Lock) and the KMS
key. Part of :mod:`generator.spec`, which re-exports every name."""

from __future__ import annotations

import re
from enum import StrEnum

from pydantic import Field, field_validator, model_validator

from generator.spec_base import (
    KMS_KEY_ARN_RE,
    LOG_GROUP_RE,
    LOG_RETENTION_DAYS,
    ROLE_NAME,
    _Strict,
)


class ObjectLockMode(StrEnum):
    """S3 Object Lock retention mode (``GOVERNANCE``: users with ``s3:BypassGovernanceRetention`` may
    still delete; ``COMPLIANCE``: nobody, not even the root user, until the retention ends)."""

    GOVERNANCE = "GOVERNANCE"
    COMPLIANCE = "COMPLIANCE"


class ObjectLockSpec(_Strict):
    """Default S3 Object Lock retention of every transcript version (turned on at bucket creation)."""

    mode: ObjectLockMode = Field(description="GOVERNANCE or COMPLIANCE.")
    days: int = Field(ge=1, le=36500, description="Retention of each version, in days.")


class S3LoggingSpec(_Strict):
    """Optional S3 copy of exec transcripts; one bucket per cluster: ``<bucket_prefix>-<cluster>``."""

    bucket_prefix: str = Field(description="Bucket name prefix; the cluster name is appended.")
    key_prefix: str = Field(default="ecs-exec/", description="Object key prefix, no leading slash.")
    object_lock: ObjectLockSpec | None = Field(
        default=None,
        description=(
            "Default Object Lock retention of the transcripts. S3 turns Object Lock on only when a bucket "
            "is created: adding it to an existing bucket makes Terraform replace the bucket."
        ),
    )

    @field_validator("bucket_prefix")
    @classmethod
    def _prefix(cls, v: str) -> str:
        if not re.match(r"^[a-z0-9][a-z0-9.-]{1,40}$", v):
            raise ValueError("must be lowercase letters, digits, dots and hyphens (at most 41 characters)")
        return v

    @field_validator("key_prefix")
    @classmethod
    def _key_prefix(cls, v: str) -> str:
        if v.startswith("/"):
            raise ValueError("must not start with '/' (S3 keys have no leading slash)")
        if v and not v.endswith("/"):
            v = v + "/"
        return v


class KmsSpec(_Strict):
    """KMS key for session encryption and transcripts: an existing key ARN, or one created per cluster."""

    key_arn: str | None = Field(
        default=None,
        description="Existing key ARN (never an alias or a bare key id). Absent: the generator creates a key per cluster.",
    )
    deletion_window_in_days: int = Field(default=30, ge=7, le=30)
    key_administrators: list[ROLE_NAME] = Field(
        default_factory=list,
        description=(
            "IAM role names that alone may kms:ScheduleKeyDeletion / kms:DisableKey the key created here "
            "(denied to every other principal by the key policy). Empty: no such deny."
        ),
    )

    @field_validator("key_arn")
    @classmethod
    def _arn(cls, v: str | None) -> str | None:
        if v is not None and not KMS_KEY_ARN_RE.match(v):
            raise ValueError(
                "must be a KMS key ARN (arn:aws:kms:<region>:<account>:key/<id>), not an alias or key id"
            )
        return v

    @model_validator(mode="after")
    def _administrators(self) -> KmsSpec:
        if self.key_arn is not None and self.key_administrators:
            raise ValueError(
                "key_administrators: only for a key created here; the key policy of key_arn is not rendered"
            )
        return self


class ExecLoggingSpec(_Strict):
    """Where exec session transcripts go. Every cluster gets a log group of its own."""

    log_group_prefix: str = Field(
        default="/ecs-exec",
        description="Exec log group of a cluster is <prefix>/<environment>/<cluster>.",
    )
    retention_in_days: int = Field(
        default=365, description="CloudWatch Logs retention of the exec log group."
    )
    s3: S3LoggingSpec | None = None
    kms: KmsSpec = Field(default_factory=KmsSpec)

    @field_validator("log_group_prefix")
    @classmethod
    def _lg(cls, v: str) -> str:
        if not LOG_GROUP_RE.match(v) or not v.startswith("/"):
            raise ValueError("must start with '/' and use letters, digits and _ - / . #")
        return v.rstrip("/")

    @field_validator("retention_in_days")
    @classmethod
    def _retention(cls, v: int) -> int:
        if v not in LOG_RETENTION_DAYS:
            raise ValueError(
                f"must be one of the CloudWatch Logs retention values {list(LOG_RETENTION_DAYS)}"
            )
        return v
