"""The account's IAM principals from one paginated ``GetAccountAuthorizationDetails``.

Reads roles (trust policy, inline and attached managed policies, permission boundary), users
(inline, attached, their groups' inline and attached policies, boundary) and the managed policies'
default versions (https://docs.aws.amazon.com/IAM/latest/APIReference/API_GetAccountAuthorizationDetails.html).
Policy documents come URL-encoded in the API; boto3 usually decodes them, both forms are read.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote

from botocore.exceptions import BotoCoreError, ClientError

from ecs_exec.aws import ClientFactory, describe_error
from ecs_exec.errors import AwsError
from iampolicy import Policy, PolicyParseError, Principal, parse_policy

log = logging.getLogger("reconciler.access")
FILTERS = ["User", "Role", "Group", "LocalManagedPolicy", "AWSManagedPolicy"]


@dataclass
class AccountIam:
    """Every role and user of the account as :class:`~iampolicy.Principal`, and what could not be read."""

    principals: list[Principal] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def _document(raw: Any, name: str) -> Policy | None:
    if isinstance(raw, str):
        raw = json.loads(unquote(raw)) if raw.lstrip().startswith("%") else raw
    try:
        return parse_policy(raw, name)
    except PolicyParseError as exc:
        log.debug("unreadable policy: %s", exc)
        return None


def _pages(factory: ClientFactory) -> Iterable[Mapping[str, Any]]:
    client = factory.client("iam")
    try:
        yield from client.get_paginator("get_account_authorization_details").paginate(Filter=FILTERS)
    except (ClientError, BotoCoreError) as exc:
        raise AwsError(f"iam:GetAccountAuthorizationDetails: {describe_error(exc)}") from exc


def _managed(policies: Iterable[Mapping[str, Any]]) -> dict[str, Any]:
    """Policy ARN -> the raw default version document (parsed on use)."""
    out: dict[str, Any] = {}
    for p in policies:
        for version in p.get("PolicyVersionList", []):
            if version.get("IsDefaultVersion"):
                out[p["Arn"]] = version.get("Document")
    return out


def read_account(factory: ClientFactory) -> AccountIam:
    """All roles and users with their effective identity policies; raises :class:`AwsError` (exit 5)."""
    roles: list[Mapping[str, Any]] = []
    users: list[Mapping[str, Any]] = []
    groups: dict[str, Mapping[str, Any]] = {}
    raw_managed: list[Mapping[str, Any]] = []
    for page in _pages(factory):
        roles += page.get("RoleDetailList", [])
        users += page.get("UserDetailList", [])
        groups.update({g["GroupName"]: g for g in page.get("GroupDetailList", [])})
        raw_managed += page.get("Policies", [])
    managed = _managed(raw_managed)
    out = AccountIam()
    cache: dict[str, Policy | None] = {}

    def attached(items: Iterable[Mapping[str, Any]], owner: str) -> list[Policy]:
        found = []
        for item in items:
            arn = item["PolicyArn"]
            if arn not in cache:
                cache[arn] = _document(managed[arn], arn) if arn in managed else None
            policy = cache[arn]
            if policy is None:
                out.notes.append(f"{owner}: managed policy {arn} could not be read: not evaluated")
            else:
                found.append(policy)
        return found

    def inline(items: Iterable[Mapping[str, Any]], owner: str) -> list[Policy]:
        docs = [_document(i.get("PolicyDocument"), f"inline:{i.get('PolicyName')}") for i in items]
        read = [d for d in docs if d is not None]
        if len(read) < len(docs):
            out.notes.append(f"{owner}: an inline policy could not be read: not evaluated")
        return read

    def boundary(detail: Mapping[str, Any], owner: str) -> Policy | None:
        arn = (detail.get("PermissionsBoundary") or {}).get("PermissionsBoundaryArn")
        if not arn:
            return None
        if arn not in managed:
            out.notes.append(f"{owner}: permission boundary {arn} could not be read: not applied")
            return None
        return _document(managed[arn], f"boundary:{arn}")

    for r in roles:
        name = r["RoleName"]
        pols = inline(r.get("RolePolicyList", []), name) + attached(
            r.get("AttachedManagedPolicies", []), name
        )
        trust = (
            _document(r.get("AssumeRolePolicyDocument"), f"trust:{name}")
            if r.get("AssumeRolePolicyDocument")
            else None
        )
        out.principals.append(Principal(name, r["Arn"], "role", tuple(pols), boundary(r, name), trust))
    for u in users:
        name = u["UserName"]
        pols = inline(u.get("UserPolicyList", []), name) + attached(
            u.get("AttachedManagedPolicies", []), name
        )
        for group_name in u.get("GroupList", []):
            g = groups.get(group_name, {})
            pols += inline(g.get("GroupPolicyList", []), f"{name} (group {group_name})")
            pols += attached(g.get("AttachedManagedPolicies", []), f"{name} (group {group_name})")
        out.principals.append(Principal(name, u["Arn"], "user", tuple(pols), boundary(u, name)))
    return out
