"""Who opens a window: run as the exec-window role, carrying the person as the source identity.

The guard policy lets only the exec-window role turn exec on. An operator's own credentials are
used once, for STS ``GetCallerIdentity`` and ``AssumeRole`` on ``spec.window_role_arn`` with
``SourceIdentity`` = the person (so CloudTrail names them on every call the role makes); every
later call uses the role's session. A caller that already is the role is used as is.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import boto3
from botocore.exceptions import BotoCoreError, ClientError

from ecs_exec.aws import ClientFactory, describe_error, verify_account
from ecs_exec.errors import AwsError
from generator.spec import EnvironmentSpec

#: IAM actions of the caller's own credentials (not of the exec-window role).
PERMISSIONS = ("sts:GetCallerIdentity", "sts:AssumeRole", "sts:SetSourceIdentity")

_NOT_IN_SOURCE_IDENTITY = re.compile(r"[^\w+=,.@-]", re.ASCII)


@dataclass(frozen=True)
class Actor:
    """The person behind a window action.

    Attributes:
        arn: the person's ARN (the caller's ARN before any role assumption); recorded in tags and events.
        source_identity: ``SourceIdentity`` of the role session (2-64 of ``[\\w+=,.@-]``).
        role_assumed: True when the exec-window role was assumed for this run.
    """

    arn: str
    source_identity: str
    role_assumed: bool = False


def source_identity_for(arn: str) -> str:
    """The person's name from a principal ARN, valid as an STS ``SourceIdentity`` / session name.

    Takes the last path segment (``user/ops/alice`` -> ``alice``, ``assumed-role/Admin/alice@example.com``
    -> ``alice@example.com``, ``root`` -> ``root``); other characters become ``-``; 2-64 characters;
    never starting with the reserved ``aws:`` prefix.
    """
    resource = arn.split(":", 5)[-1]
    name = resource.rsplit("/", 1)[-1] or resource
    clean = _NOT_IN_SOURCE_IDENTITY.sub("-", name)[:64]
    if clean.lower().startswith("aws"):
        clean = ("u-" + clean)[:64]
    return clean if len(clean) >= 2 else (clean + "--")[:2]


def is_role_session(arn: str, role_name: str) -> bool:
    """True when ``arn`` is an STS session of the IAM role ``role_name`` (``assumed-role/<role_name>/...``)."""
    return (
        re.fullmatch(rf"arn:aws[a-z-]*:sts::\d{{12}}:assumed-role/{re.escape(role_name)}/.+", arn) is not None
    )


def window_session(
    factory: ClientFactory, spec: EnvironmentSpec, *, assume_role: bool = True
) -> tuple[ClientFactory, Actor]:
    """A client factory running as the exec-window role, and the person behind it.

    Follows STS ``GetCallerIdentity`` (checks the config's ``account_id``) and ``AssumeRole``
    (``RoleArn`` = ``spec.window_role_arn``, ``SourceIdentity`` and ``RoleSessionName`` = the person).
    With ``assume_role=False``, or when the caller already is the role, ``factory`` is returned.

    Raises:
        AwsError: no credentials, wrong account, or AssumeRole refused (exit 5).
    """
    ident = verify_account(factory, spec.account_id)
    caller = ident["Arn"]
    person = source_identity_for(caller)
    if not assume_role or is_role_session(caller, spec.windows.role_name):
        return factory, Actor(arn=caller, source_identity=person)
    try:
        creds = factory.client("sts").assume_role(
            RoleArn=spec.window_role_arn,
            RoleSessionName=person,
            SourceIdentity=person,
        )["Credentials"]
    except (ClientError, BotoCoreError) as exc:
        raise AwsError(
            f"cannot assume the exec-window role {spec.window_role_arn}: {describe_error(exc)}",
            hint="operators need sts:AssumeRole and sts:SetSourceIdentity on it",
        ) from None
    session = boto3.Session(
        aws_access_key_id=creds["AccessKeyId"],
        aws_secret_access_key=creds["SecretAccessKey"],
        aws_session_token=creds["SessionToken"],
        region_name=factory.region,
    )
    return factory.with_session(session), Actor(arn=caller, source_identity=person, role_assumed=True)
