"""Guards: policies that deny turning ECS Exec on, and whether they leave a door open.

The condition key ``ecs:enable-execute-command`` is typed **String** and is on ``ecs:CreateService``,
``UpdateService``, ``RunTask``, ``StartTask``, ``CreateDaemon`` and ``UpdateDaemon`` (Service
Authorization Reference, Amazon ECS:
https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonelasticcontainerservice.html).
A guard must deny all six when the key is ``"true"``, with a String operator (IAM condition
operators: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html).

A *guard* is a managed policy (``aws_iam_policy``), a service control policy
(``aws_organizations_policy``) or an ``aws_iam_policy_document`` no resource of the folder uses as a
role's, user's or group's own inline policy (a document meant for other principals), with a
``Deny`` statement conditioned on the key. A role's own inline limits are not guards.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from exec_checks.iam import data_source_document, read_policy
from exec_checks.model import Block, TfModel
from exec_checks.policy import Condition, PolicyDocument, Statement, resource_matches
from iampolicy import actions

KEY = actions.ENABLE_EXECUTE_COMMAND_KEY
#: Every action the key is on: a guard denies all of them (the one catalogue, iampolicy.actions).
EXEC_ENABLING_ACTIONS = actions.ENABLE_EXECUTE_COMMAND_ACTIONS
_STRING_OPERATORS = ("String", "Null")
_INLINE_HOLDERS = ("aws_iam_role_policy", "aws_iam_user_policy", "aws_iam_group_policy", "aws_iam_role")


@dataclass(frozen=True)
class Guard:
    """A policy judged as a guard: the block reported on and its document."""

    block: Block
    document: PolicyDocument


def guards(model: TfModel) -> Iterator[Guard]:
    """Managed policies, SCPs and free-standing ``aws_iam_policy_document`` data sources."""
    for block in model.of_type("aws_iam_policy", "aws_organizations_policy"):
        if block.kind != "resource":
            continue
        if block.type == "aws_organizations_policy":
            kind = block.attr("type")
            if kind not in (None, "SERVICE_CONTROL_POLICY"):
                continue
            yield Guard(block, read_policy(model, block, block.attr("content"), "content"))
        else:
            yield Guard(block, read_policy(model, block, block.attr("policy"), "policy"))
    for doc in model.of_type("aws_iam_policy_document"):
        used_by = {b.type for b in model.referrers(doc)}
        if not used_by & {*_INLINE_HOLDERS, "aws_iam_policy", "aws_organizations_policy"}:
            yield Guard(doc, data_source_document(model, doc))


def wrong_operator(cond: Condition) -> bool:
    """True when a condition on the String-typed key uses a non-String operator (``Bool``, ...)."""
    return not cond.base_operator.startswith(_STRING_OPERATORS)


def holds_when_on(cond: Condition) -> bool | None:
    """Does the condition hold for a request with the key ``"true"``? None when unknown."""
    base = cond.base_operator
    if base == "Null":
        return None if None in cond.values else any(v == "false" for v in cond.values)
    if None in cond.values:
        return None
    values = [v for v in cond.values if v is not None]
    if base in ("StringEquals", "StringEqualsIgnoreCase", "Bool"):
        return "true" in (v.lower() for v in values)
    if base in ("StringNotEquals", "StringNotEqualsIgnoreCase"):
        return "true" not in (v.lower() for v in values)
    if base in ("StringLike", "StringNotLike"):
        like = any(resource_matches(v, "true") is True for v in values)
        return like if base == "StringLike" else not like
    return False


def _statement_denies(st: Statement, action: str) -> bool | None:
    applies = st.matches_action(action)
    if st.effect != "Deny" or applies is False:
        return False
    conds = st.conditions_on(KEY)
    if conds is None:
        return None
    results = [holds_when_on(c) for c in conds]
    if False in results:
        return False
    if applies is None or None in results:
        return None
    return True


def is_guard(doc: PolicyDocument) -> bool:
    """True when some Deny statement is conditioned on ``ecs:enable-execute-command``."""
    return any(st.effect == "Deny" and st.conditions_on(KEY) for st in doc.statements)


def denied(doc: PolicyDocument) -> dict[str, bool | None]:
    """Per exec-enabling action: denied when the key is ``"true"`` (True), not (False), unknown (None)."""
    out: dict[str, bool | None] = {}
    for action in EXEC_ENABLING_ACTIONS:
        results = [_statement_denies(st, action) for st in doc.statements]
        out[action] = True if True in results else None if None in results else False
    return out


def uses_wrong_operator(doc: PolicyDocument) -> bool:
    """True when a statement tests the key with a non-String operator (``Bool``, ``BoolIfExists``...)."""
    return any(wrong_operator(c) for st in doc.statements for c in (st.conditions_on(KEY) or []))
