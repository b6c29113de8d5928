"""The config model's shared ground: value types and limits AWS enforces, the strict base model, the
enums (exec mode, Container Insights, deployment controller) and the Terraform backend block.
Part of :mod:`generator.spec`, which re-exports every name."""

from __future__ import annotations

import re
from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator

ACCOUNT_ID = Annotated[str, StringConstraints(pattern=r"^\d{12}$")]
REGION = Annotated[str, StringConstraints(pattern=r"^[a-z]{2}(-gov|-iso[a-z]*)?-[a-z]+-\d$")]
# ECS cluster / service names: up to 255 letters, digits, hyphens, underscores.
ECS_NAME = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_-]{1,255}$")]
# IAM role names: up to 64 of letters, digits and + = , . @ _ -
ROLE_NAME = Annotated[str, StringConstraints(pattern=r"^[\w+=,.@-]{1,64}$")]
KMS_KEY_ARN_RE = re.compile(
    r"^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key/[0-9a-fA-F-]{36}$|^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key/mrk-[0-9a-f]{32}$"
)
PRINCIPAL_ARN_RE = re.compile(
    r"^arn:aws[a-z-]*:(iam|sts)::\d{12}:(root|user/.+|role/.+|assumed-role/.+|federated-user/.+)$"
)
LOG_GROUP_RE = re.compile(r"^[A-Za-z0-9_\-/.#]{1,512}$")
# PutRetentionPolicy accepts only these values (days).
LOG_RETENTION_DAYS = (1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653)  # fmt: skip
BUCKET_RE = re.compile(r"^(?!xn--)(?!.*-s3alias$)[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")
# ECS container names: up to 255 letters, digits, hyphens, underscores (also the ecs:container-name value).
CONTAINER_NAME = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_-]{1,255}$")]
# AWS tags (ECS, IAM, KMS, Logs, S3 share these limits): key 1-128, value 0-256 characters of letters,
# digits, spaces and _ . : / = + - @; keys starting with "aws:" are reserved; at most 50 per resource,
# one of which is the clusters' own ecs-exec:exec-mode tag.
TAG_RE = re.compile(r"^[\w .:/=+\-@]*$")
MAX_TAGS = 49
# The longest exec window: CloudTrail LookupEvents (the audit) holds 90 days of history.
MAX_WINDOW_MINUTES = 90 * 24 * 60
# Names AWS refuses past these lengths (IAM policy name, KMS alias name, CloudWatch log group name).
IAM_POLICY_NAME_MAX, KMS_ALIAS_MAX, LOG_GROUP_MAX = 128, 256, 512


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class ExecMode(StrEnum):
    """How ECS Exec may be on for a cluster's services.

    - ``never``: ``enableExecuteCommand`` must always be false (exec windows are refused).
    - ``windowed``: false except while an exec window (``exec-window open``) is open on the service.
    - ``always``: must be true (refused for an environment marked ``production``).
    """

    NEVER = "never"
    WINDOWED = "windowed"
    ALWAYS = "always"


class ContainerInsights(StrEnum):
    """Value of the cluster ``containerInsights`` setting (ECS ``ClusterSetting``)."""

    ENABLED = "enabled"
    DISABLED = "disabled"
    ENHANCED = "enhanced"


class DeploymentController(StrEnum):
    """ECS ``deploymentController.type``: only ``ECS`` accepts ``forceNewDeployment``."""

    ECS = "ECS"
    CODE_DEPLOY = "CODE_DEPLOY"
    EXTERNAL = "EXTERNAL"


class BackendSpec(_Strict):
    """Terraform S3 backend of a real environment (ignored when ``AWS_ENDPOINT_URL`` is set)."""

    bucket: str = Field(description="S3 bucket holding the state.")
    key: str = Field(min_length=1, description="State object key, e.g. ecs-exec/stg/terraform.tfstate.")
    region: REGION
    dynamodb_table: str | None = Field(default=None, description="Optional lock table.")

    @field_validator("bucket")
    @classmethod
    def _bucket(cls, v: str) -> str:
        if not BUCKET_RE.match(v):
            raise ValueError("must be a valid S3 bucket name")
        return v
