"""Who may do what: the operators who may open a shell, the access settings (guard, SCP, auditors,
MFA) and the exec-window machinery's names. Part of :mod:`generator.spec`, which re-exports every name."""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import Field, StrictBool, StringConstraints, field_validator, model_validator

from generator.spec_base import CONTAINER_NAME, MAX_WINDOW_MINUTES, PRINCIPAL_ARN_RE, ROLE_NAME, _Strict
from generator.spec_trust import ScpSpec


class OperatorSpec(_Strict):
    """A group of people who may open a shell: rendered as an IAM role with an operator policy.

    The role's trust policy requires ``sts:SetSourceIdentity``, so every session names its person.
    """

    name: ROLE_NAME = Field(description="IAM role name of the operator role.")
    trusted_principals: list[str] = Field(
        default_factory=list,
        description=(
            "Principal ARNs allowed to assume the role (ARN patterns with '*' become ArnLike aws:PrincipalArn); "
            "empty or the account root: IAM users of the account naming themselves "
            "(sts:SourceIdentity = ${aws:username}), refused when production."
        ),
    )
    clusters: list[str] = Field(default_factory=lambda: ["*"], description="Cluster names, or ['*'] for all.")
    containers: list[CONTAINER_NAME] = Field(
        default_factory=list, description="Container names (ecs:container-name); empty means any container."
    )

    @field_validator("trusted_principals")
    @classmethod
    def _principals(cls, v: list[str]) -> list[str]:
        return principal_arns(v)

    @field_validator("clusters")
    @classmethod
    def _clusters(cls, v: list[str]) -> list[str]:
        if not v:
            raise ValueError(
                "name at least one cluster, or ['*'] for all (IAM refuses a statement with no resource)"
            )
        return v


def principal_arns(v: list[str]) -> list[str]:
    """Validate a list of principal ARNs (or ARN patterns); raises ValueError naming the bad one."""
    for arn in v:
        if not PRINCIPAL_ARN_RE.match(arn):
            raise ValueError(f"{arn!r} is not an IAM principal ARN")
    return v


class AccessSpec(_Strict):
    """Who may exec, for how long, and who may turn exec on."""

    default_window_minutes: int = Field(
        default=30, ge=1, description="Window length when --minutes is not given."
    )
    max_window_minutes: int = Field(
        default=60,
        ge=1,
        le=MAX_WINDOW_MINUTES,
        description="Longest window, counted from the opening (minutes); at most 90 days (the audit's CloudTrail history).",
    )
    operators: list[OperatorSpec] = Field(default_factory=list)
    auditors: list[ROLE_NAME] = Field(
        default_factory=list,
        description=(
            "IAM role names that alone may read S3 transcripts (s3:GetObject / s3:GetObjectVersion under the "
            "key prefix; denied to every other principal by the bucket policy); run ecs-exec audit as one of "
            "them. Empty: no such deny."
        ),
    )
    require_mfa: StrictBool = Field(
        default=False,
        description="IAM users assuming the operator and exec-window roles must have signed in with MFA (aws:MultiFactorAuthPresent).",
    )
    scp: ScpSpec = Field(
        default_factory=ScpSpec,
        description="Optional service control policy covering every principal, not only the guarded roles.",
    )
    guard_attach_to_roles: list[ROLE_NAME] = Field(
        default_factory=list,
        description=(
            "Extra role names (existing) that get the guard policy denying exec to be turned on. "
            "Operator roles always get it."
        ),
    )

    @model_validator(mode="after")
    def _window_bounds(self) -> AccessSpec:
        if self.max_window_minutes < self.default_window_minutes:
            raise ValueError(
                f"max_window_minutes ({self.max_window_minutes}) is below default_window_minutes "
                f"({self.default_window_minutes})"
            )
        return self


class WindowsSpec(_Strict):
    """Names of the exec-window machinery (rendered by the generator, used by ``exec-window``)."""

    role_name: ROLE_NAME = Field(
        description="The exec-window role: the only principal allowed to turn exec on."
    )
    scheduler_role_name: ROLE_NAME = Field(description="Role EventBridge Scheduler assumes to close windows.")
    schedule_group_name: Annotated[str, StringConstraints(pattern=r"^[0-9A-Za-z._-]{1,64}$")] = Field(
        description="EventBridge Scheduler schedule group of the windows (1-64 of letters, digits, . _ -)."
    )
    dead_letter_queue_name: Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_-]{1,80}$")] = Field(
        description="Standard SQS queue receiving schedules that failed to close a window (1-80 of letters, digits, _ -)."
    )
    events_stream_name: Annotated[str, StringConstraints(pattern=r"^[^:*]{1,512}$")] = Field(
        default="exec-windows",
        description="Log stream (in each exec log group) of window events (no ':' or '*').",
    )
    sweep_principals: list[str] = Field(
        default_factory=list,
        description="Principal ARNs (e.g. the cron host's role) that run `exec-window sweep`: also trusted by the exec-window role.",
    )

    alarm_topic_arn: str | None = Field(
        default=None,
        description="SNS topic ARN the dead-letter alarm notifies; absent: a topic <dead_letter_queue_name>-alarm is rendered.",
    )

    @field_validator("alarm_topic_arn")
    @classmethod
    def _topic(cls, v: str | None) -> str | None:
        if v is not None and not re.fullmatch(
            r"arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,256}(\.fifo)?", v
        ):
            raise ValueError("must be an SNS topic ARN (arn:aws:sns:<region>:<account>:<name>)")
        return v

    @field_validator("sweep_principals")
    @classmethod
    def _sweep(cls, v: list[str]) -> list[str]:
        return principal_arns(v)
