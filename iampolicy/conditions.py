"""The ``Condition`` element, evaluated in three-valued logic against a request context.

Rules, from the IAM user guide:

- Operators of one block, and keys of one operator, are ANDed; the values of one key are ORed
  (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-logic-multiple-context-keys-or-values.html).
- A key missing from the request context makes the condition *false*, except: a negated operator
  (``StringNotEquals``, ``ArnNotLike``, ...) is *true*; ``...IfExists`` is *true*; ``Null`` tests the
  absence itself
  (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html,
  "Important"; ``IfExists``: "#Conditions_IfExists"; ``Null``: "#Conditions_Null").
- ``ForAllValues:`` holds when every value of a multi-valued key matches, so it holds vacuously for a
  missing key or an empty set; ``ForAnyValue:`` needs at least one matching value, so a missing key
  is false (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-single-vs-multi-valued-context-keys.html).
- ``ArnEquals``/``ArnLike`` compare each of the six colon-separated ARN parts on its own, with
  ``*``/``?`` wildcards; ``StringLike`` takes wildcards over the whole string; ``StringEquals`` none;
  ``Bool`` compares ``true``/``false`` (#Conditions_ARN, #Conditions_String, #Conditions_Boolean).
- Policy variables ``${aws:username}`` in values are replaced from the request context
  (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html).

Not decided here (the outcome is UNKNOWN): ``Date*`` and ``Binary*`` operators, a value with a
policy variable the context does not hold, and, for a context that is not ``complete``, any key
it does not name.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from iampolicy.model import Truth, as_list


@dataclass(frozen=True)
class RequestContext:
    """The request's condition keys (``values``, lower-case keys; a value is a string, a list of
    strings for a multi-valued key, or None for "known absent").

    ``complete``: True when ``values`` is the whole request context, so any other key is *absent*
    (the promise suite and the access report ask about a request they define in full); False when
    other keys are *unknown* (preflight knows only a few facts of a real request).
    """

    values: Mapping[str, Any] = field(default_factory=dict)
    complete: bool = False

    @classmethod
    def of(cls, context: RequestContext | Mapping[str, Any] | None) -> RequestContext:
        """A context from a mapping (keys lower-cased, not complete), or the context itself."""
        if isinstance(context, RequestContext):
            return cls({k.lower(): v for k, v in context.values.items()}, context.complete)
        return cls({k.lower(): v for k, v in (context or {}).items()}, False)

    def known(self, key: str) -> bool:
        """Whether the value (or the absence) of ``key`` is known."""
        return self.complete or key.lower() in self.values

    def get(self, key: str) -> Any:
        """The value of ``key``; None when absent (check :meth:`known` first)."""
        return self.values.get(key.lower())


_VARIABLE = re.compile(r"\$\{([^}]+)\}")
_SPECIAL = {"*": "*", "?": "?", "$": "$"}


def resolve_variables(text: str, context: RequestContext) -> str | None:
    """``text`` with each ``${key}`` replaced by its context value (``${*}``, ``${?}``, ``${$}`` are
    the literal characters); None when a variable is unknown or absent (the value cannot match)."""
    missing = False

    def repl(m: re.Match[str]) -> str:
        nonlocal missing
        name = m.group(1)
        if name in _SPECIAL:
            return "\0" + name  # literal wildcard characters, escaped below
        value = context.get(name)
        if value is None or isinstance(value, list | tuple):
            missing = True
            return ""
        return str(value)

    out = _VARIABLE.sub(repl, text)
    return None if missing else out


@lru_cache(maxsize=4096)
def _like(pattern: str) -> re.Pattern[str]:
    """Regex of a ``*Like`` value: ``*`` and ``?`` are wildcards, a character after ``\\0`` (a
    resolved ``${*}``/``${?}``/``${$}``) is literal."""
    out, i = [], 0
    while i < len(pattern):
        c = pattern[i]
        if c == "\0" and i + 1 < len(pattern):
            out.append(re.escape(pattern[i + 1]))
            i += 2
            continue
        out.append(".*" if c == "*" else "." if c == "?" else re.escape(c))
        i += 1
    return re.compile("^" + "".join(out) + "$", re.DOTALL)


def _arn_like(pattern: str, value: str) -> bool:
    p_parts, v_parts = pattern.split(":", 5), value.split(":", 5)
    if len(p_parts) != 6 or len(v_parts) != 6:
        return pattern == "*"
    return all(_like(p).match(v) is not None for p, v in zip(p_parts, v_parts, strict=True))


def _number(text: str) -> float | None:
    try:
        return float(text)
    except ValueError:
        return None


def _numeric(compare: Callable[[float, float], bool]) -> Callable[[str, str], bool]:
    def op(pattern: str, value: str) -> bool:
        a, b = _number(value), _number(pattern)
        return a is not None and b is not None and compare(a, b)

    return op


def _ip(pattern: str, value: str) -> bool:
    try:
        return ipaddress.ip_address(value) in ipaddress.ip_network(pattern, strict=False)
    except ValueError:
        return False


#: Positive operator -> (pattern, request value) -> match. Negated forms are ``Not`` of these.
_POSITIVE: dict[str, Callable[[str, str], bool]] = {
    "StringEquals": lambda p, v: p.replace("\0", "") == v,
    "StringEqualsIgnoreCase": lambda p, v: p.replace("\0", "").lower() == v.lower(),
    "StringLike": lambda p, v: _like(p).match(v) is not None,
    "ArnEquals": _arn_like,
    "ArnLike": _arn_like,
    "Bool": lambda p, v: p.lower() == v.lower(),
    "NumericEquals": _numeric(lambda a, b: a == b),
    "NumericLessThan": _numeric(lambda a, b: a < b),
    "NumericLessThanEquals": _numeric(lambda a, b: a <= b),
    "NumericGreaterThan": _numeric(lambda a, b: a > b),
    "NumericGreaterThanEquals": _numeric(lambda a, b: a >= b),
    "IpAddress": _ip,
}
_NEGATED = {
    "StringNotEquals": "StringEquals",
    "StringNotEqualsIgnoreCase": "StringEqualsIgnoreCase",
    "StringNotLike": "StringLike",
    "ArnNotEquals": "ArnEquals",
    "ArnNotLike": "ArnLike",
    "NumericNotEquals": "NumericEquals",
    "NotIpAddress": "IpAddress",
}


def _values(patterns: Sequence[str], context: RequestContext) -> list[str] | None:
    """The policy values with their variables resolved; a value whose variable the request lacks
    is dropped (it can match nothing); None when a variable is unknown (partial context)."""
    out = []
    for p in patterns:
        if any(n not in _SPECIAL and not context.known(n) for n in _VARIABLE.findall(p)):
            return None
        resolved = resolve_variables(p, context)
        if resolved is not None:
            out.append(resolved)
    return out


def key_truth(op_full: str, key: str, patterns: Sequence[str], context: RequestContext) -> Truth:
    """One operator and key of a ``Condition`` block (``op_full`` with its ``IfExists`` suffix and its
    ``ForAnyValue:``/``ForAllValues:`` prefix), against ``context``."""
    qualifier, _, op = op_full.rpartition(":")
    if_exists = op.endswith("IfExists")
    op = op.removesuffix("IfExists")
    if not context.known(key):
        return Truth.UNKNOWN
    raw = context.get(key)
    if op == "Null":  # "true": the key must be absent; "false": present (#Conditions_Null)
        absent = raw is None or raw == []
        return Truth.TRUE if any((p.lower() == "true") == absent for p in patterns) else Truth.FALSE
    negated = op in _NEGATED
    base = _NEGATED.get(op, op)
    if base not in _POSITIVE:
        return Truth.UNKNOWN
    values = [str(v) for v in as_list(raw)]
    if not values:  # the key is absent from the request
        if qualifier == "ForAllValues":
            return Truth.TRUE  # vacuously: every one of no values matches
        if qualifier == "ForAnyValue":
            return Truth.FALSE
        return Truth.TRUE if if_exists or negated else Truth.FALSE
    resolved = _values(patterns, context)
    if resolved is None:
        return Truth.UNKNOWN
    match = _POSITIVE[base]

    def one(value: str) -> bool:
        hit = any(match(p, value) for p in resolved)
        return not hit if negated else hit

    if qualifier == "ForAllValues":
        ok = all(one(v) for v in values)
    elif qualifier == "ForAnyValue":
        ok = any(one(v) for v in values)
    else:  # a single-valued operator on several values: any value (IAM treats the key as a set)
        ok = all(one(v) for v in values) if negated else any(one(v) for v in values)
    return Truth.TRUE if ok else Truth.FALSE


def condition_truth(
    conditions: Mapping[str, Mapping[str, Sequence[str]]],
    context: RequestContext | Mapping[str, Any] | None,
) -> Truth:
    """AND over every operator and key of a ``Condition`` block, in three-valued logic.

    ``context``: a :class:`RequestContext`, or a mapping of condition keys (any case) to a value, a
    list of values, or None (known absent); with a mapping, keys it does not name are unknown.
    FALSE as soon as one part is false, else UNKNOWN when one part is unknown, else TRUE.
    """
    ctx = RequestContext.of(context)
    result = Truth.TRUE
    for op, block in conditions.items():
        for key, patterns in block.items():
            truth = key_truth(op, key, patterns, ctx)
            if truth is Truth.FALSE:
                return Truth.FALSE
            if truth is Truth.UNKNOWN:
                result = Truth.UNKNOWN
    return result
