"""IAM policy documents as data, and a static "is this action allowed on this resource" evaluation.

A document comes from a ``jsonencode``'d policy (checkov renders it to a dict), a JSON string, or
an ``aws_iam_policy_document`` data source. Resources are kept in a canonical form
``<service>:<resource part>`` (``logs:log-group:/ecs-exec/stg/app:*``, ``s3:bucket/prefix/*``, ``*``)
so literal ARNs and references (substituted by :meth:`exec_checks.model.TfModel.substitute`)
compare alike; a resource that cannot be known is ``None``.

The evaluation follows IAM: an explicit Deny wins, then any Allow; ``*`` and ``?`` are wildcards,
actions compare case-insensitively. Conditions are not evaluated (a conditional Allow counts as
an Allow); identities with no literal form (a key created in the same module) carry ``@<address>``.
Each statement keeps its conditions (:class:`Condition`) and, in a trust policy, its principals,
for the checks that judge them (the policy pack's guard, ``ecs:cluster`` and trust checks).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from exec_checks.values import as_list, attr, blocks, is_unknown, unrendered_jsonencode, unwrap

# Actions and resources are matched by the one IAM matcher, below exec_checks and reconciler.
from iampolicy.match import any_action
from iampolicy.match import resource_matches as iam_resource_matches

Resolver = Callable[[str], "str | None"]


def canonical(resource: str) -> str:
    """``arn:aws:logs:r:a:log-group:/g:*`` -> ``logs:log-group:/g:*``; ``*`` and non-ARNs unchanged."""
    parts = resource.split(":", 5)
    if len(parts) == 6 and parts[0] == "arn":
        return f"{parts[2]}:{parts[5]}"
    return resource


def resource_matches(pattern: str, target: str) -> bool | None:
    """Does canonical ``pattern`` cover canonical ``target``? None when the target has no literal
    identity (``@address``) and the pattern is a literal of the same service."""
    if iam_resource_matches(pattern, target):
        return True
    if "@" in target and "@" not in pattern and pattern.split(":", 1)[0] == target.split(":", 1)[0]:
        return None
    return False


@dataclass(frozen=True)
class Condition:
    """One condition of a statement: ``operator`` as written (``StringEquals``, ``BoolIfExists``,
    ``ForAnyValue:StringLike``), the condition ``key`` as written, its ``values`` with references
    substituted (an entry None when unknown) and ``raw``, the values as rendered (a policy variable
    such as ``${aws:username}`` stays in ``raw`` only). IAM JSON policy elements: Condition
    (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition.html)."""

    operator: str
    key: str
    values: tuple[str | None, ...]
    raw: tuple[Any, ...]

    @property
    def base_operator(self) -> str:
        """The operator without its set prefix and ``IfExists`` suffix: ``StringEquals``."""
        return self.operator.rsplit(":", 1)[-1].removesuffix("IfExists")


@dataclass(frozen=True)
class Statement:
    """One statement. ``actions``/``not_actions`` None when unknown; ``resources`` canonical, an
    entry None when unknown; ``not_resource`` when the statement uses NotResource."""

    effect: str
    actions: tuple[str, ...] | None
    not_actions: tuple[str, ...] | None
    resources: tuple[str | None, ...]
    not_resource: bool
    conditional: bool
    #: the statement id (``Sid`` / ``sid``); layered ``aws_iam_policy_document`` sources merge by it
    sid: str | None = None
    #: the conditions; None when they cannot be read
    conditions: tuple[Condition, ...] | None = ()
    #: ``Principal`` as (type, identifier) pairs (``("AWS", "arn:aws:iam::*:root")``, ``("AWS", "*")``
    #: for ``"*"``), identifiers substituted (None when unknown); None when the principals cannot be read
    principals: tuple[tuple[str, str | None], ...] | None = ()

    def conditions_on(self, key: str) -> list[Condition] | None:
        """The conditions on ``key`` (compared case-insensitively, as IAM does); None when unknown."""
        if self.conditions is None:
            return None
        return [c for c in self.conditions if c.key.lower() == key.lower()]

    def matches_action(self, action: str) -> bool | None:
        """Whether the statement applies to ``action`` (None when its actions are unknown)."""
        if self.actions is None or self.not_actions is None:
            return None
        if self.not_actions:
            return not any_action(self.not_actions, action)
        return any_action(self.actions, action)


@dataclass(frozen=True)
class PolicyDocument:
    """A policy's statements; ``unknown`` when the document itself could not be read."""

    statements: tuple[Statement, ...]
    unknown: bool = False

    def allows(self, action: str, target: str) -> bool | None:
        """Is ``action`` allowed on canonical ``target``? None when that depends on unknown values."""
        if self.unknown:
            return None
        allowed: bool | None = False
        for st in self.statements:
            applies = st.matches_action(action)
            if applies is False:
                continue
            hit = covers(st, target)
            if st.effect == "Deny":
                if applies and hit:
                    return False
                continue
            if applies and hit:
                allowed = True
            elif allowed is False and (applies is None or hit is None):
                allowed = None
        return allowed

    def allowing(self, action: str) -> list[Statement]:
        """The Allow statements that apply to ``action`` (certainly)."""
        return [st for st in self.statements if st.effect == "Allow" and st.matches_action(action)]

    def grants_any(self, actions: Iterable[str]) -> bool:
        """True when some Allow statement certainly applies to one of ``actions``."""
        return any(self.allowing(a) for a in actions)


def covers(st: Statement, target: str) -> bool | None:
    """Does the statement's ``Resource`` (or ``NotResource``) cover canonical ``target``? None when unknown."""
    results = [None if r is None else resource_matches(r, target) for r in st.resources]
    hit: bool | None = True if True in results else None if None in results else False
    if st.not_resource:
        return None if hit is None else not hit
    return hit


def _strings(value: Any) -> tuple[str, ...] | None:
    items = as_list(value)
    if any(not isinstance(i, str) or is_unknown(i) for i in items):
        return None
    return tuple(items)


def _resources(value: Any, resolve: Resolver) -> tuple[str | None, ...]:
    out: list[str | None] = []
    for item in as_list(value):
        text = resolve(item) if isinstance(item, str) else None
        out.append(None if text is None else canonical(text))
    return tuple(out)


def _values(value: Any, resolve: Resolver) -> tuple[tuple[str | None, ...], tuple[Any, ...]]:
    raw = tuple(as_list(value))
    out: list[str | None] = []
    for item in raw:
        if isinstance(item, bool):
            item = str(item).lower()
        elif isinstance(item, int | float):
            item = str(item)
        out.append((item if not is_unknown(item) else resolve(item)) if isinstance(item, str) else None)
    return tuple(out), raw


def _json_conditions(value: Any, resolve: Resolver) -> tuple[Condition, ...] | None:
    value = unwrap(value)
    if value is None:
        return ()
    if not isinstance(value, dict):
        return None
    out: list[Condition] = []
    for operator, tests in value.items():
        if not isinstance(tests, dict):
            return None
        for key, given in tests.items():
            values, raw = _values(given, resolve)
            out.append(Condition(str(operator), str(key), values, raw))
    return tuple(out)


def _json_principals(value: Any, resolve: Resolver) -> tuple[tuple[str, str | None], ...] | None:
    value = unwrap(value)
    if value is None:
        return ()
    if value == "*":
        return (("AWS", "*"),)
    if not isinstance(value, dict):
        return None
    return tuple(
        (str(kind), None if ident is None else ident)
        for kind, given in value.items()
        for ident in _values(given, resolve)[0]
    )


def from_json(doc: Any, resolve: Resolver) -> PolicyDocument:
    """A document from a rendered ``jsonencode`` dict or a JSON string; unknown when unreadable."""
    doc = unrendered_jsonencode(unwrap(doc))
    if isinstance(doc, str):
        try:
            doc = json.loads(doc)
        except ValueError:
            return PolicyDocument((), unknown=True)
    if not isinstance(doc, dict):
        return PolicyDocument((), unknown=True)
    raw = doc.get("Statement", [])
    statements = []
    for st in raw if isinstance(raw, list) else [raw]:
        if not isinstance(st, dict):
            return PolicyDocument((), unknown=True)
        has_res = "Resource" in st
        statements.append(
            Statement(
                effect=str(st.get("Effect", "Allow")),
                actions=_strings(st.get("Action", [])),
                not_actions=_strings(st.get("NotAction", [])),
                resources=_resources(st.get("Resource") if has_res else st.get("NotResource", []), resolve),
                not_resource=not has_res and "NotResource" in st,
                conditional=bool(st.get("Condition")),
                sid=_sid(st.get("Sid")),
                conditions=_json_conditions(st.get("Condition"), resolve),
                principals=_json_principals(st.get("Principal"), resolve),
            )
        )
    return PolicyDocument(tuple(statements))


def _sid(value: Any) -> str | None:
    value = unwrap(value)
    return value if isinstance(value, str) and value else None


def layered(layers: Sequence[PolicyDocument]) -> PolicyDocument:
    """Merge documents as the AWS provider's ``aws_iam_policy_document`` does, in order
    (``source_policy_documents``, then the data source's own ``statement`` blocks, then
    ``override_policy_documents``): a statement with a non-blank sid replaces an earlier one of
    the same sid, in its place; any other statement is appended. Unknown when a layer is."""
    if any(d.unknown for d in layers):
        return PolicyDocument((), unknown=True)
    merged: list[Statement] = []
    for doc in layers:
        for st in doc.statements:
            at = next((i for i, old in enumerate(merged) if st.sid and old.sid == st.sid), None)
            if at is None:
                merged.append(st)
            else:
                merged[at] = st
    return PolicyDocument(tuple(merged))


def from_policy_document_block(
    config: dict[str, Any],
    resolve: Resolver,
    sources: Sequence[PolicyDocument] | None = None,
    overrides: Sequence[PolicyDocument] | None = None,
) -> PolicyDocument:
    """A document from an ``aws_iam_policy_document`` data source's config (``statement`` blocks).

    ``sources`` / ``overrides``: the documents its ``source_policy_documents`` /
    ``override_policy_documents`` name, already read (see :func:`layered`); when the data source
    has such a list and the caller could not read it (None), the document is unknown."""
    for label, given in (("source_policy_documents", sources), ("override_policy_documents", overrides)):
        if attr(config, label) and given is None:
            return PolicyDocument((), unknown=True)
    statements = []
    for st in blocks(config, "statement"):
        has_not = "not_resources" in st and "resources" not in st
        statements.append(
            Statement(
                effect=str(attr(st, "effect", "Allow")),
                actions=_strings(attr(st, "actions", [])),
                not_actions=_strings(attr(st, "not_actions", [])),
                resources=_resources(attr(st, "not_resources" if has_not else "resources", []), resolve),
                not_resource=has_not,
                conditional=bool(blocks(st, "condition")),
                sid=_sid(attr(st, "sid")),
                conditions=_block_conditions(st, resolve),
                principals=_block_principals(st, resolve),
            )
        )
    return layered([*(sources or ()), PolicyDocument(tuple(statements)), *(overrides or ())])


def _block_conditions(st: dict[str, Any], resolve: Resolver) -> tuple[Condition, ...] | None:
    out: list[Condition] = []
    for c in blocks(st, "condition"):
        test, variable = attr(c, "test"), attr(c, "variable")
        if not isinstance(test, str) or not isinstance(variable, str) or is_unknown([test, variable]):
            return None
        values, raw = _values(attr(c, "values", []), resolve)
        out.append(Condition(test, variable, values, raw))
    return tuple(out)


def _block_principals(st: dict[str, Any], resolve: Resolver) -> tuple[tuple[str, str | None], ...] | None:
    out: list[tuple[str, str | None]] = []
    for p in blocks(st, "principals"):
        kind = attr(p, "type")
        if not isinstance(kind, str) or is_unknown(kind):
            return None
        out += [(kind, ident) for ident in _values(attr(p, "identifiers", []), resolve)[0]]
    return tuple(out)
