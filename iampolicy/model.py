"""IAM policy documents parsed into frozen statements.

Follows the IAM JSON policy element reference
(https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements.html): ``Effect``,
``Action``/``NotAction``, ``Resource``/``NotResource``, ``Principal``/``NotPrincipal`` and
``Condition``; a single string where a list is allowed is read as a one-item list.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


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
    """Three-valued outcome of a statement's ``Condition`` block (or of a part of a statement)."""

    TRUE = "true"
    FALSE = "false"
    UNKNOWN = "unknown"


def as_list(value: Any) -> list[Any]:
    """``None`` -> ``[]``, a list or tuple -> a list, anything else -> ``[value]``."""
    if value is None:
        return []
    return list(value) if isinstance(value, list | tuple) else [value]


@dataclass(frozen=True)
class Statement:
    """One normalised policy statement (every list-or-string field is a tuple).

    ``principals`` is None when the statement has no ``Principal`` (identity policies); ``"*"``
    stands for every principal. ``AWS`` principals are kept as given; ``Service`` and ``Federated``
    principals with their type prefix (``service:logs.amazonaws.com``).
    ``conditions`` maps an operator (``StringEquals``, ``ForAnyValue:StringLike``) to
    ``{condition key: values}``, values as strings (IAM compares booleans and numbers as text).
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


def _text(value: Any) -> str:
    if isinstance(value, bool):  # JSON true -> "true", as IAM reads it
        return "true" if value else "false"
    return str(value)


def _principals(value: Any) -> tuple[str, ...]:
    if value == "*":
        return ("*",)
    if not isinstance(value, Mapping):
        raise ValueError("Principal must be '*' or a mapping")
    out: list[str] = []
    for kind, items in value.items():
        for item in as_list(items):
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
        conditions[str(op)] = {str(k): tuple(_text(v) for v in as_list(vals)) for k, vals in block.items()}
    return Statement(
        effect=str(effect),
        sid=str(raw.get("Sid", "")),
        actions=tuple(str(a) for a in as_list(raw.get("Action"))),
        not_actions=tuple(str(a) for a in as_list(raw["NotAction"])) if "NotAction" in raw else None,
        # Resource policies may omit Resource (then the policy's own resource is meant).
        resources=tuple(str(r) for r in as_list(raw.get("Resource"))) if has_resource else ("*",),
        not_resources=tuple(str(r) for r in as_list(raw["NotResource"])) if "NotResource" in raw else None,
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
        statements = tuple(_statement(s) for s in as_list(data["Statement"]))
    except ValueError as exc:
        raise PolicyParseError(f"{name}: {exc}") from None
    return Policy(name=name, statements=statements)
