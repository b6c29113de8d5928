"""Static IAM policy evaluation: may ``principal`` do ``action`` on ``resource`` under these policies?

Used by ``preflight`` when IAM ``SimulatePrincipalPolicy`` is not available (moto, or a caller
without ``iam:SimulatePrincipalPolicy``). It follows the documented IAM evaluation logic for the
policies it is given: an explicit ``Deny`` wins, otherwise any ``Allow`` allows, otherwise the
request is implicitly denied. ``Action``/``NotAction`` and ``Resource``/``NotResource`` take the
IAM wildcards ``*`` and ``?`` (actions case-insensitively, resources case-sensitively, ``*`` also
spans ``:`` and ``/`` as IAM does). ``Principal``/``NotPrincipal`` are matched when a principal is
given (resource policies: key policies, bucket policies).

A statement with a ``Condition`` is evaluated only when every condition key is in the supplied
``context`` (the facts preflight knows about the request, e.g. ``aws:SecureTransport``) and the
operator is one of the simple ones below; otherwise its outcome is *unknown* and the answer is
``conditional``, never ``allowed``. Service control policies, resource control policies,
permission boundaries and session policies are not seen (:data:`NOT_SEEN`).

Why our own code: ``policyuniverse`` (1.5.1) and ``parliament`` (1.6.4) both install next to
checkov's pins (checked with ``pip download --no-deps``), but neither answers this question:
policyuniverse parses and expands/minimises policies and finds internet-accessible statements,
parliament lints policies against the IAM reference; neither matches a request (action and
resource ARN) against Allow/Deny with NotAction/NotResource. Evaluation is ~150 lines here.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from functools import lru_cache
from typing import Any

#: What the static evaluation cannot see; preflight prints it next to every static answer.
NOT_SEEN = "static evaluation: SCPs, RCPs, permission boundaries and session policies are not seen"


class PolicyParseError(ValueError):
    """A policy document is not valid IAM policy JSON (names the policy and the problem)."""


class Decision(StrEnum):
    """Outcome of an evaluation.

    - ``allowed``: an Allow applies without an unknown condition and no Deny may apply.
    - ``denied``: an explicit Deny applies (unconditionally, or its conditions are true).
    - ``not-allowed``: no Allow applies (implicit deny).
    - ``conditional``: the answer depends on a condition the evaluator cannot decide.
    """

    ALLOWED = "allowed"
    DENIED = "denied"
    NOT_ALLOWED = "not-allowed"
    CONDITIONAL = "conditional"


class Truth(StrEnum):
    """Three-valued outcome of a statement's ``Condition`` block."""

    TRUE = "true"
    FALSE = "false"
    UNKNOWN = "unknown"


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return list(value) if isinstance(value, list | tuple) else [value]


@dataclass(frozen=True)
class Statement:
    """One normalised policy statement (every list-or-string field is a tuple).

    ``principals`` is None when the statement has no ``Principal`` (identity policies); ``"*"``
    stands for every principal. Only ``AWS`` principals are kept (``Service`` and ``Federated``
    principals are kept with their type prefix, ``service:logs.amazonaws.com``).
    """

    effect: str
    sid: str = ""
    actions: tuple[str, ...] = ()
    not_actions: tuple[str, ...] | None = None
    resources: tuple[str, ...] = ()
    not_resources: tuple[str, ...] | None = None
    principals: tuple[str, ...] | None = None
    not_principals: tuple[str, ...] | None = None
    conditions: Mapping[str, Mapping[str, tuple[str, ...]]] = field(default_factory=dict)


@dataclass(frozen=True)
class Policy:
    """A named policy (``inline:<name>``, an attached policy ARN, ``key-policy``) and its statements."""

    name: str
    statements: tuple[Statement, ...]


def _principals(value: Any) -> tuple[str, ...]:
    if value == "*":
        return ("*",)
    if not isinstance(value, Mapping):
        raise ValueError("Principal must be '*' or a mapping")
    out: list[str] = []
    for kind, items in value.items():
        for item in _as_list(items):
            out.append(str(item) if kind == "AWS" else f"{str(kind).lower()}:{item}")
    return tuple(out)


def _statement(raw: Any) -> Statement:
    if not isinstance(raw, Mapping):
        raise ValueError("a statement must be a mapping")
    effect = raw.get("Effect")
    if effect not in ("Allow", "Deny"):
        raise ValueError(f"Effect must be Allow or Deny, not {effect!r}")
    if ("Action" in raw) == ("NotAction" in raw):
        raise ValueError("a statement needs exactly one of Action / NotAction")
    has_resource = "Resource" in raw or "NotResource" in raw
    conditions: dict[str, dict[str, tuple[str, ...]]] = {}
    if not isinstance(raw.get("Condition") or {}, Mapping):
        raise ValueError("Condition must be a mapping of operators")
    for op, block in (raw.get("Condition") or {}).items():
        if not isinstance(block, Mapping):
            raise ValueError(f"Condition.{op} must be a mapping")
        conditions[str(op)] = {str(k): tuple(str(v) for v in _as_list(vals)) for k, vals in block.items()}
    return Statement(
        effect=str(effect),
        sid=str(raw.get("Sid", "")),
        actions=tuple(str(a) for a in _as_list(raw.get("Action"))),
        not_actions=tuple(str(a) for a in _as_list(raw["NotAction"])) if "NotAction" in raw else None,
        # Resource policies may omit Resource (then the policy's own resource is meant).
        resources=tuple(str(r) for r in _as_list(raw.get("Resource"))) if has_resource else ("*",),
        not_resources=tuple(str(r) for r in _as_list(raw["NotResource"])) if "NotResource" in raw else None,
        principals=_principals(raw["Principal"]) if "Principal" in raw else None,
        not_principals=_principals(raw["NotPrincipal"]) if "NotPrincipal" in raw else None,
        conditions=conditions,
    )


def parse_policy(document: str | Mapping[str, Any], name: str = "policy") -> Policy:
    """Parse a policy document (JSON text, or the dict boto3 returns URL-decoded) into a :class:`Policy`.

    Raises:
        PolicyParseError: not JSON, no ``Statement``, or a malformed statement (message names ``name``).
    """
    try:
        data = json.loads(document) if isinstance(document, str) else document
    except json.JSONDecodeError as exc:
        raise PolicyParseError(f"{name}: not valid JSON: {exc.msg}") from None
    if not isinstance(data, Mapping) or "Statement" not in data:
        raise PolicyParseError(f"{name}: not a policy document (no Statement)")
    try:
        statements = tuple(_statement(s) for s in _as_list(data["Statement"]))
    except ValueError as exc:
        raise PolicyParseError(f"{name}: {exc}") from None
    return Policy(name=name, statements=statements)


@lru_cache(maxsize=1024)
def _glob(pattern: str, ignore_case: bool) -> re.Pattern[str]:
    body = "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern)
    return re.compile(f"^{body}$", re.DOTALL | (re.IGNORECASE if ignore_case else 0))


def action_matches(pattern: str, action: str) -> bool:
    """IAM action match: ``s3:Get*`` matches ``s3:GetObject``; case-insensitive; ``*`` matches all."""
    return bool(_glob(pattern, True).match(action))


def resource_matches(pattern: str, resource: str) -> bool:
    """IAM resource match: case-sensitive glob where ``*`` spans any characters (``:`` and ``/`` too)."""
    return bool(_glob(pattern, False).match(resource))


def _any_action(patterns: Iterable[str], action: str) -> bool:
    return any(action_matches(p, action) for p in patterns)


_VARIABLE = re.compile(r"\$\{([^}]+)\}")


def _resource_truth(patterns: Iterable[str], resource: str, context: Mapping[str, Any]) -> Truth:
    """TRUE when a pattern matches; UNKNOWN when only a pattern with an unknown ``${var}`` might."""
    unknown = False
    for pattern in patterns:
        missing = [v for v in _VARIABLE.findall(pattern) if v.lower() not in context]
        if missing:
            unknown = unknown or resource_matches(_VARIABLE.sub("*", pattern), resource)
            continue
        resolved = _VARIABLE.sub(lambda m: str(context[m.group(1).lower()]), pattern)
        if resource_matches(resolved, resource):
            return Truth.TRUE
    return Truth.UNKNOWN if unknown else Truth.FALSE


def _account_of(principal: str) -> str | None:
    m = re.match(r"^arn:[^:]+:(?:iam|sts)::(\d{12}):", principal)
    return m.group(1) if m else None


def principal_matches(patterns: Iterable[str], principal: str) -> bool:
    """Does a ``Principal`` list name ``principal``?

    ``*`` matches everyone; an account id or ``arn:...:iam::<account>:root`` matches every principal
    of that account; otherwise the ARN must be equal (an assumed-role session matches its role ARN).
    """
    account = _account_of(principal)
    role = re.sub(
        r"^arn:([^:]+):sts::(\d{12}):assumed-role/([^/]+)/.*$", r"arn:\1:iam::\2:role/\3", principal
    )
    for pattern in patterns:
        if pattern == "*" or pattern in (principal, role):
            return True
        if account and (pattern == account or re.fullmatch(rf"arn:[^:]+:iam::{account}:root", pattern)):
            return True
    return False


_STRING_OPS = {"StringEquals", "StringNotEquals", "StringEqualsIgnoreCase", "StringNotEqualsIgnoreCase"}
_LIKE_OPS = {"StringLike", "StringNotLike", "ArnLike", "ArnNotLike", "ArnEquals", "ArnNotEquals"}


def _value_matches(op: str, pattern: str, value: str) -> bool:
    if op in ("StringEquals", "StringNotEquals"):
        return pattern == value
    if op.startswith("StringEqualsIgnoreCase") or op.startswith("StringNotEqualsIgnoreCase"):
        return pattern.lower() == value.lower()
    if op == "Bool":
        return pattern.lower() == value.lower()
    return resource_matches(pattern, value)  # *Like and Arn*: glob on the whole value


def _condition_truth(op_full: str, key: str, patterns: Sequence[str], context: Mapping[str, Any]) -> Truth:
    if ":" in op_full:  # ForAnyValue: / ForAllValues: set operators are not evaluated
        return Truth.UNKNOWN
    if_exists = op_full.endswith("IfExists")
    op = op_full.removesuffix("IfExists")
    if op not in _STRING_OPS | _LIKE_OPS | {"Bool", "Null"} or key.lower() not in context:
        return Truth.UNKNOWN
    raw = context[key.lower()]
    if op == "Null":  # Null: true means "the key is absent"
        absent = raw is None
        return Truth.TRUE if any((p.lower() == "true") == absent for p in patterns) else Truth.FALSE
    if raw is None:  # known to be absent from the request
        return Truth.TRUE if if_exists or "Not" in op else Truth.FALSE
    values = [str(v) for v in _as_list(raw)]
    hit = any(_value_matches(op, p, v) for p in patterns for v in values)
    return Truth.FALSE if hit == ("Not" in op) else Truth.TRUE


def condition_truth(
    conditions: Mapping[str, Mapping[str, Sequence[str]]], context: Mapping[str, Any]
) -> Truth:
    """AND over every operator and key of a ``Condition`` block, in three-valued logic.

    ``context`` maps lower-case condition keys to a value, a list of values, or None (known absent).
    Operators evaluated: String(Not)Equals(IgnoreCase), String(Not)Like, Arn(Not)Equals/Like, Bool,
    Null, each with ``IfExists``. Anything else, or a key not in ``context``, is UNKNOWN.
    """
    result = Truth.TRUE
    for op, block in conditions.items():
        for key, patterns in block.items():
            truth = _condition_truth(op, key, patterns, context)
            if truth is Truth.FALSE:
                return Truth.FALSE
            if truth is Truth.UNKNOWN:
                result = Truth.UNKNOWN
    return result


@dataclass(frozen=True)
class Match:
    """A statement that applies to the request: where it is, its effect, and its condition outcome."""

    policy: str
    sid: str
    effect: str
    truth: Truth
    condition_keys: tuple[str, ...] = ()

    def label(self) -> str:
        """``<policy>#<sid>`` (the statement's index when it has no Sid)."""
        return f"{self.policy}#{self.sid}"


@dataclass(frozen=True)
class Evaluation:
    """Answer for one (action, resource): the decision and the statements that led to it."""

    action: str
    resource: str
    decision: Decision
    matches: tuple[Match, ...] = ()

    def explain(self) -> str:
        """One line, e.g. ``kms:Decrypt on arn:...: denied by key-policy#DenyAll``."""
        deciding = [m for m in self.matches if self._deciding(m)]
        how = {
            Decision.ALLOWED: "allowed by",
            Decision.DENIED: "denied by",
            Decision.CONDITIONAL: "conditional on",
            Decision.NOT_ALLOWED: "no statement allows it",
        }[self.decision]
        if self.decision is Decision.NOT_ALLOWED:
            return f"{self.action} on {self.resource}: {how}"
        parts = []
        for m in deciding:
            keys = (
                f" ({', '.join(m.condition_keys)})" if m.truth is Truth.UNKNOWN and m.condition_keys else ""
            )
            parts.append(m.label() + keys)
        return f"{self.action} on {self.resource}: {how} {', '.join(parts)}"

    def _deciding(self, m: Match) -> bool:
        if self.decision is Decision.DENIED:
            return m.effect == "Deny" and m.truth is Truth.TRUE
        if self.decision is Decision.ALLOWED:
            return m.effect == "Allow" and m.truth is Truth.TRUE
        return m.truth is Truth.UNKNOWN

    @property
    def may_be_denied(self) -> bool:
        """An explicit Deny applies, or may apply under an undecided condition."""
        return any(m.effect == "Deny" and m.truth is not Truth.FALSE for m in self.matches)


def _applies(
    st: Statement, action: str, resource: str, principal: str | None, ctx: Mapping[str, Any]
) -> Truth:
    if st.not_actions is not None:
        if _any_action(st.not_actions, action):
            return Truth.FALSE
    elif not _any_action(st.actions, action):
        return Truth.FALSE
    if principal is not None:
        if st.principals is not None and not principal_matches(st.principals, principal):
            return Truth.FALSE
        if st.not_principals is not None and principal_matches(st.not_principals, principal):
            return Truth.FALSE
    if st.not_resources is not None:
        excluded = _resource_truth(st.not_resources, resource, ctx)
        res = {Truth.TRUE: Truth.FALSE, Truth.FALSE: Truth.TRUE, Truth.UNKNOWN: Truth.UNKNOWN}[excluded]
    else:
        res = _resource_truth(st.resources, resource, ctx)
    if res is Truth.FALSE:
        return Truth.FALSE
    cond = condition_truth(st.conditions, ctx)
    if cond is Truth.FALSE:
        return Truth.FALSE
    return Truth.UNKNOWN if Truth.UNKNOWN in (res, cond) else Truth.TRUE


def evaluate(
    policies: Iterable[Policy],
    action: str,
    resource: str,
    *,
    principal: str | None = None,
    context: Mapping[str, Any] | None = None,
) -> Evaluation:
    """Evaluate one request against ``policies`` (all of one kind: identity, or one resource policy).

    Args:
        action: ``service:Action`` (``kms:Decrypt``).
        resource: the resource ARN, or ``*`` for actions without a resource (``logs:DescribeLogGroups``).
        principal: the calling principal's ARN; given for resource policies, so that ``Principal`` /
            ``NotPrincipal`` are matched (statements without them apply to every principal).
        context: known request facts, lower-case keys (``{"aws:securetransport": "true"}``).

    Returns: an :class:`Evaluation`; explicit Deny wins, an unknown-condition Deny turns an Allow into
    ``conditional``. Never raises.
    """
    ctx = {k.lower(): v for k, v in (context or {}).items()}
    matches: list[Match] = []
    for policy in policies:
        for i, st in enumerate(policy.statements):
            truth = _applies(st, action, resource, principal, ctx)
            if truth is Truth.FALSE:
                continue
            keys = tuple(sorted({k for block in st.conditions.values() for k in block}))
            matches.append(Match(policy.name, st.sid or str(i), st.effect, truth, keys))
    denies = [m for m in matches if m.effect == "Deny"]
    allows = [m for m in matches if m.effect == "Allow"]
    if any(m.truth is Truth.TRUE for m in denies):
        decision = Decision.DENIED
    elif any(m.truth is Truth.TRUE for m in allows):
        decision = Decision.CONDITIONAL if denies else Decision.ALLOWED
    elif allows:
        decision = Decision.CONDITIONAL
    else:
        decision = Decision.NOT_ALLOWED
    return Evaluation(action, resource, decision, tuple(matches))
