"""Static IAM evaluation: may a request (action, resource, context) go through these policies?

Follows the policy evaluation logic of the IAM user guide
(https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html), for
the policies of one kind it is given:

- a statement applies when its action, its resource and its conditions all match the request
  ("Determining whether a request is allowed or denied within an account": an Allow needs all
  three; ``NotAction``/``NotResource`` apply to everything they do not list);
- an explicit ``Deny`` that applies wins over any Allow ("explicit deny");
- otherwise an ``Allow`` that applies allows; otherwise the request is implicitly denied
  ("implicit deny").

``Principal``/``NotPrincipal`` are matched when a principal is given (resource policies: trust,
key and bucket policies). A statement whose condition or resource the evaluator cannot decide
(:mod:`iampolicy.conditions`) makes the answer *conditional*, never *allowed*. How identity
policies, permission boundaries and SCPs combine is :mod:`iampolicy.principal`.

Why our own code: ``policyuniverse`` (1.5.1) and ``parliament`` (1.6.4) both install next to
checkov's pins, but neither answers this question: policyuniverse parses and expands policies and
finds internet-accessible statements, parliament lints policies against the IAM reference;
neither matches a request against Allow/Deny with NotAction/NotResource and conditions.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from iampolicy.conditions import RequestContext, condition_truth
from iampolicy.match import any_action, principal_matches, resource_matches
from iampolicy.model import Decision, Policy, Statement, Truth

#: What the static evaluation cannot see; preflight prints it next to every static answer.
NOT_SEEN = "static evaluation: SCPs, RCPs, permission boundaries and session policies are not seen"

_VARIABLE = re.compile(r"\$\{([^}]+)\}")


def _resource_truth(patterns: Iterable[str], resource: str, ctx: RequestContext) -> Truth:
    """TRUE when a pattern matches; UNKNOWN when only a pattern with an unknown ``${var}`` might.

    A pattern with a variable the request lacks matches nothing
    (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html)."""
    unknown = False
    for pattern in patterns:
        names = _VARIABLE.findall(pattern)
        if any(not ctx.known(n) for n in names):
            unknown = unknown or resource_matches(_VARIABLE.sub("*", pattern), resource)
            continue
        values = {n: ctx.get(n) for n in names}
        if any(v is None or isinstance(v, list | tuple) for v in values.values()):
            continue
        resolved = _VARIABLE.sub(lambda m, vals=values: str(vals[m.group(1)]), pattern)  # type: ignore[misc]
        if resource_matches(resolved, resource):
            return Truth.TRUE
    return Truth.UNKNOWN if unknown else Truth.FALSE


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


def statement_applies(
    st: Statement, action: str, resource: str, principal: str | None, ctx: RequestContext
) -> Truth:
    """Whether ``st`` applies to the request: action, principal (when given), resource, conditions."""
    if st.not_actions is not None:
        if any_action(st.not_actions, action):
            return Truth.FALSE
    elif not any_action(st.actions, action):
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
    context: RequestContext | Mapping[str, Any] | None = None,
) -> Evaluation:
    """Evaluate one request against ``policies`` (all of one kind: identity, or one resource policy).

    Args:
        action: ``service:Action`` (``kms:Decrypt``).
        resource: the resource ARN, or ``*`` for actions without a resource (``logs:DescribeLogGroups``).
        principal: the calling principal's ARN; given for resource policies, so that ``Principal`` /
            ``NotPrincipal`` are matched (statements without them apply to every principal).
        context: the request's condition keys: a :class:`RequestContext`, or a mapping (any case) of
            the keys known (``{"aws:SecureTransport": "true"}``), others unknown.

    Returns: an :class:`Evaluation`; explicit Deny wins, an unknown-condition Deny turns an Allow into
    ``conditional``. Never raises.
    """
    ctx = RequestContext.of(context)
    matches: list[Match] = []
    for policy in policies:
        for i, st in enumerate(policy.statements):
            truth = statement_applies(st, action, resource, principal, ctx)
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
