"""IAM answers for preflight: may this principal do this action on this resource?

IAM ``SimulatePrincipalPolicy`` answers when it is available. It is probed once, on a client with
``max_attempts=1`` (moto's server answers an HTML 500, a ``ResponseParserError``, after ~7 s of
retries otherwise); *any* failure marks it unavailable for the rest of the run. Then the answer
comes from :mod:`iampolicy` over the principal's inline and attached policies (a user's
group policies too), read with the IAM ``Get*``/``List*`` APIs. A principal whose policies cannot
be read gets an answer with ``decision=None`` (the caller checks turn it into a WARN).
"""

from __future__ import annotations

import json
import logging
import re
import urllib.parse
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError
from botocore.parsers import ResponseParserError

from ecs_exec.aws import ClientFactory, describe_error, error_code
from iampolicy import NOT_SEEN, Decision, Policy, evaluate, parse_policy

SIMULATE_PERMISSIONS = ("iam:SimulatePrincipalPolicy",)
ROLE_PERMISSIONS = (
    "iam:GetPolicy",
    "iam:GetPolicyVersion",
    "iam:GetRole",
    "iam:GetRolePolicy",
    "iam:ListAttachedRolePolicies",
    "iam:ListRolePolicies",
)
USER_PERMISSIONS = (
    "iam:GetGroupPolicy",
    "iam:GetUserPolicy",
    "iam:ListAttachedGroupPolicies",
    "iam:ListAttachedUserPolicies",
    "iam:ListGroupPolicies",
    "iam:ListGroupsForUser",
    "iam:ListUserPolicies",
)
PERMISSIONS = tuple(sorted(set(SIMULATE_PERMISSIONS + ROLE_PERMISSIONS + USER_PERMISSIONS)))

SIMULATOR_NOTE = "IAM answers from iam:SimulatePrincipalPolicy (key and bucket policies evaluated statically)"
log = logging.getLogger("ecs_exec.preflight")


def simulator_failure(exc: BaseException) -> str:
    """A few words on why ``SimulatePrincipalPolicy`` failed, for the report note (the full botocore
    text, e.g. an HTML page after "Unable to parse response", goes to the debug log only).

    ``AccessDenied`` (a ClientError code), ``HTTP 500`` (a numeric code), ``non-AWS response``
    (``ResponseParserError``: an endpoint that is not AWS, such as moto's server), ``not implemented
    by the endpoint`` (in-process moto), else the exception's class name.
    """
    if isinstance(exc, ClientError):
        code = error_code(exc) or "ClientError"
        return f"HTTP {code}" if code.isdigit() else code
    if isinstance(exc, ResponseParserError):
        return "non-AWS response"
    if isinstance(exc, NotImplementedError):
        return "not implemented by the endpoint"
    return type(exc).__name__


@dataclass(frozen=True)
class Answer:
    """One IAM answer for ``action``. ``decision`` None: could not be evaluated (``explanation`` says
    why). ``source``: ``simulator`` or ``static``."""

    action: str
    decision: Decision | None
    explanation: str
    source: str = "static"


@dataclass(frozen=True)
class Principal:
    """An IAM identity parsed from an ARN: ``kind`` is ``role``, ``user``, ``root`` or ``other``."""

    arn: str
    kind: str
    name: str
    account: str

    @property
    def policy_source_arn(self) -> str:
        """The ARN the simulator wants (an assumed-role session's role ARN)."""
        if self.kind == "role":
            partition = self.arn.split(":")[1]
            return f"arn:{partition}:iam::{self.account}:role/{self.name}"
        return self.arn


def parse_principal(arn: str) -> Principal:
    """``arn:aws:iam::1:role/path/name``, ``arn:aws:sts::1:assumed-role/name/session``, ``...:user/x``,
    ``...:root`` -> :class:`Principal` (role path dropped: ``GetRole`` takes the bare name)."""
    m = re.match(r"^arn:[^:]+:(iam|sts)::(\d{12}):(.*)$", arn)
    if not m:
        return Principal(arn, "other", arn, "")
    account, rest = m.group(2), m.group(3)
    if rest == "root":
        return Principal(arn, "root", "root", account)
    if rest.startswith("role/"):
        return Principal(arn, "role", rest.rsplit("/", 1)[-1], account)
    if rest.startswith("assumed-role/"):
        return Principal(arn, "role", rest.split("/")[1], account)
    if rest.startswith("user/"):
        return Principal(arn, "user", rest.rsplit("/", 1)[-1], account)
    return Principal(arn, "other", rest, account)


def _document(doc: Any) -> Any:
    """Policy documents arrive as dicts (boto3 decodes them) or URL-encoded JSON text."""
    if isinstance(doc, str):
        text = urllib.parse.unquote(doc) if doc.lstrip().startswith("%7B") else doc
        return json.loads(text)
    return doc


class IamOracle:
    """Answers IAM questions for principals of one account; caches policies per principal.

    Args:
        factory: the client factory (IAM reads).
        simulator: an IAM client for ``SimulatePrincipalPolicy``; default: one from the factory's
            session with ``max_attempts=1``. ``False`` disables the simulator (static only).
    """

    def __init__(self, factory: ClientFactory, simulator: Any = None) -> None:
        self._factory = factory
        if simulator is None:
            simulator = ClientFactory(
                factory.region, session=factory.session, max_attempts=1, pacer=factory.pacer
            ).client("iam")
        self._simulator: Any = simulator or None
        self._simulator_error: str | None = None if self._simulator else "disabled"
        self._policies: dict[str, list[Policy] | str] = {}
        self._roles: dict[str, dict[str, Any] | None] = {}
        self.used_static = False
        self.used_simulator = False

    @property
    def simulator_unavailable_reason(self) -> str | None:
        """Why the simulator is not used (None while it is, or before it was probed)."""
        return self._simulator_error

    def notes(self) -> list[str]:
        """Report notes, one short line each: which source answered (``IAM policy simulator unavailable
        (<reason>): static evaluation used``), and what a static evaluation does not see."""
        out = []
        if self.used_simulator:
            out.append(SIMULATOR_NOTE)
        if self.used_static:
            if self._simulator_error:
                out.append(
                    f"IAM policy simulator unavailable ({self._simulator_error}): static evaluation used"
                )
            out.append(NOT_SEEN)
        return out

    # ---- reads ----

    def get_role(self, role_name: str) -> dict[str, Any] | None:
        """IAM ``GetRole`` (cached); None when the role does not exist (other errors raise)."""
        if role_name not in self._roles:
            try:
                self._roles[role_name] = dict(
                    self._factory.client("iam").get_role(RoleName=role_name)["Role"]
                )
            except ClientError as exc:
                if error_code(exc) != "NoSuchEntity":
                    raise
                self._roles[role_name] = None
        return self._roles[role_name]

    def _attached(self, kind: str, name: str) -> list[Policy]:
        iam = self._factory.client("iam")
        op = {
            "role": "list_attached_role_policies",
            "user": "list_attached_user_policies",
            "group": "list_attached_group_policies",
        }[kind]
        arg = {"role": "RoleName", "user": "UserName", "group": "GroupName"}[kind]
        out: list[Policy] = []
        for page in iam.get_paginator(op).paginate(**{arg: name}):
            for att in page.get("AttachedPolicies", []):
                meta = iam.get_policy(PolicyArn=att["PolicyArn"])["Policy"]
                version = iam.get_policy_version(
                    PolicyArn=att["PolicyArn"], VersionId=meta["DefaultVersionId"]
                )
                out.append(parse_policy(_document(version["PolicyVersion"]["Document"]), att["PolicyArn"]))
        return out

    def _inline(self, kind: str, name: str) -> list[Policy]:
        iam = self._factory.client("iam")
        list_op, get_op = {
            "role": ("list_role_policies", "get_role_policy"),
            "user": ("list_user_policies", "get_user_policy"),
            "group": ("list_group_policies", "get_group_policy"),
        }[kind]
        arg = {"role": "RoleName", "user": "UserName", "group": "GroupName"}[kind]
        out: list[Policy] = []
        for page in iam.get_paginator(list_op).paginate(**{arg: name}):
            for pname in page.get("PolicyNames", []):
                doc = getattr(iam, get_op)(**{arg: name, "PolicyName": pname})["PolicyDocument"]
                out.append(parse_policy(_document(doc), f"inline:{pname}"))
        return out

    def policies(self, principal: Principal) -> list[Policy] | str:
        """Identity policies of a role or user (inline, attached, and a user's groups'), or a reason
        string when they cannot be read (unknown principal kind, NoSuchEntity, AccessDenied)."""
        if principal.arn in self._policies:
            return self._policies[principal.arn]
        result: list[Policy] | str
        try:
            if principal.kind == "role":
                result = self._inline("role", principal.name) + self._attached("role", principal.name)
            elif principal.kind == "user":
                result = self._inline("user", principal.name) + self._attached("user", principal.name)
                groups = self._factory.client("iam").get_paginator("list_groups_for_user")
                for page in groups.paginate(UserName=principal.name):
                    for group in page.get("Groups", []):
                        result += self._inline("group", group["GroupName"]) + self._attached(
                            "group", group["GroupName"]
                        )
            else:
                result = f"cannot read the policies of {principal.arn} (a {principal.kind} principal)"
        except (ClientError, BotoCoreError, ValueError) as exc:
            result = f"cannot read the policies of {principal.arn}: {describe_error(exc)}"
        self._policies[principal.arn] = result
        return result

    # ---- answers ----

    def _source_arn(self, principal: Principal) -> str:
        """The ARN the simulator wants: a role's real ARN (``GetRole``), *with* its path; neither an
        assumed-role session ARN (``assumed-role/AWSReservedSSO_x/alice``) nor a task role ARN read
        without its path names it (the simulator then answers NoSuchEntity)."""
        if principal.kind == "role":
            try:
                role = self.get_role(principal.name)
            except (ClientError, BotoCoreError):
                role = None
            if role and role.get("Arn"):
                return str(role["Arn"])
        return principal.policy_source_arn

    def _simulate(
        self, principal: Principal, action: str, resource: str, context: Mapping[str, Any]
    ) -> Answer | None:
        if self._simulator is None or self._simulator_error is not None:
            return None
        entries = [
            {
                "ContextKeyName": key,
                "ContextKeyValues": [str(v) for v in (value if isinstance(value, list) else [value])],
                "ContextKeyType": "boolean" if str(value).lower() in ("true", "false") else "string",
            }
            for key, value in context.items()
            if value is not None
        ]
        try:
            answer = self._simulator.simulate_principal_policy(
                PolicySourceArn=self._source_arn(principal),
                ActionNames=[action],
                ResourceArns=[resource],
                ContextEntries=entries,
            )
            result = answer["EvaluationResults"][0]
        except Exception as exc:  # noqa: BLE001 - any failure (ResponseParserError, AccessDenied, 500) = unavailable
            self._simulator_error = simulator_failure(exc)
            log.debug("SimulatePrincipalPolicy unavailable: %s", describe_error(exc) or type(exc).__name__)
            return None
        self.used_simulator = True
        decision = {"allowed": Decision.ALLOWED, "explicitDeny": Decision.DENIED}.get(
            result.get("EvalDecision", ""), Decision.NOT_ALLOWED
        )
        missing = result.get("MissingContextValues") or []
        if missing:
            decision = Decision.CONDITIONAL
        detail = f" (missing context: {', '.join(missing)})" if missing else ""
        return Answer(
            action,
            decision,
            f"{action} on {resource}: simulator says {result.get('EvalDecision')}{detail}",
            "simulator",
        )

    def ask(
        self, principal_arn: str, action: str, resource: str, context: Mapping[str, Any] | None = None
    ) -> Answer:
        """May ``principal_arn`` do ``action`` on ``resource`` (identity policies only)?

        ``context``: known condition keys of the request (``{"ecs:container-name": "app"}``).
        The account root user is allowed everything (only SCPs could say otherwise).
        Never raises for AWS errors: an unreadable principal gives ``decision=None``.
        """
        principal = parse_principal(principal_arn)
        if principal.kind == "root":
            return Answer(
                action, Decision.ALLOWED, f"{action}: the account root user is not limited by IAM policies"
            )
        ctx = dict(context or {})
        simulated = self._simulate(principal, action, resource, ctx)
        if simulated is not None:
            return simulated
        policies = self.policies(principal)
        if isinstance(policies, str):
            return Answer(action, None, policies)
        self.used_static = True
        result = evaluate(policies, action, resource, context=ctx)
        return Answer(action, result.decision, result.explain())
