"""Who opens a window: run as the exec-window role, carrying the person as the source identity.

The guard policy lets only the exec-window role turn exec on. An operator's own credentials are
used once, for STS ``GetCallerIdentity`` and ``AssumeRole`` on ``spec.window_role_arn``; every
later call uses the role's session, and CloudTrail names the person (the source identity) on each.
A caller that already is the role is used as is.

Source identity and role chaining (IAM User Guide, "Monitor and control actions taken with assumed
roles", https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_temp_control-access_monitor.html):
once set on a role session the source identity cannot be changed, it carries over to every chained
session, and STS refuses a chained ``AssumeRole`` that sets a *different* one. STS offers no call
that reads the caller's own source identity, so:

- an IAM user (or any caller that is not a role session) cannot carry one: ``SourceIdentity`` is set
  to the person (the last part of the caller's ARN);
- a role session (an operator role, an SSO permission set) may carry one (set when it assumed the
  operator role, or by its identity provider): ``AssumeRole`` is called *without* ``SourceIdentity``,
  so the carried value passes on (``AssumeRole``'s answer names it). When the session carries none,
  the exec-window role's trust (``Null sts:SourceIdentity = false``) refuses that call with
  AccessDenied, and it is repeated once with ``SourceIdentity`` = the person.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import boto3
from botocore.exceptions import BotoCoreError, ClientError

from ecs_exec.aws import ClientFactory, describe_error, error_code, verify_account
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


def _assume(
    factory: ClientFactory, spec: EnvironmentSpec, person: str, *, set_source: bool
) -> dict[str, Any]:
    params = {"RoleArn": spec.window_role_arn, "RoleSessionName": person}
    if set_source:
        params["SourceIdentity"] = person
    return dict(factory.client("sts").assume_role(**params))


def window_session(
    factory: ClientFactory, spec: EnvironmentSpec, *, assume_role: bool = True
) -> tuple[ClientFactory, Actor]:
    """A client factory running as the exec-window role, and the person behind it.

    Follows STS ``GetCallerIdentity`` (checks the config's ``account_id``) and ``AssumeRole``
    (``RoleArn`` = ``spec.window_role_arn``, ``RoleSessionName`` = the person; ``SourceIdentity`` as
    the module docstring says: left out for a role session, which keeps its own). The actor's
    ``source_identity`` is the one the new session carries (``AssumeRole``'s ``SourceIdentity``),
    else the person. With ``assume_role=False``, or when the caller already is the role,
    ``factory`` is returned.

    Raises:
        AwsError: no credentials, wrong account, or AssumeRole refused (exit 5).
    """
    ident = verify_account(factory, spec.account_id)
    caller = ident["Arn"]
    person = source_identity_for(caller)
    if not assume_role or is_role_session(caller, spec.windows.role_name):
        return factory, Actor(arn=caller, source_identity=person)
    chained = ":assumed-role/" in caller
    try:
        try:
            answer = _assume(factory, spec, person, set_source=not chained)
        except ClientError as exc:
            if not chained or error_code(exc) != "AccessDenied":
                raise
            # The session carries no source identity and the trust requires one: set it.
            answer = _assume(factory, spec, person, set_source=True)
    except (ClientError, BotoCoreError) as exc:
        raise AwsError(
            f"cannot assume the exec-window role {spec.window_role_arn}: {describe_error(exc)}",
            hint="operators need sts:AssumeRole and sts:SetSourceIdentity on it",
        ) from None
    creds = answer["Credentials"]
    session = boto3.Session(
        aws_access_key_id=creds["AccessKeyId"],
        aws_secret_access_key=creds["SecretAccessKey"],
        aws_session_token=creds["SessionToken"],
        region_name=factory.region,
    )
    carried = answer.get("SourceIdentity") or person
    return factory.with_session(session), Actor(arn=caller, source_identity=carried, role_assumed=True)
