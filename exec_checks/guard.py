"""Guards: policies that deny turning ECS Exec on, and whether they leave a door open.

The condition key ``ecs:enable-execute-command`` is typed **String** and is on ``ecs:CreateService``,
``UpdateService``, ``RunTask``, ``StartTask``, ``CreateDaemon`` and ``UpdateDaemon`` (Service
Authorization Reference, Amazon ECS:
https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonelasticcontainerservice.html).
A guard must deny all six when the key is ``"true"``, with a String operator (IAM condition
operators: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html).

A *guard* is a managed policy (``aws_iam_policy``), a service control policy
(``aws_organizations_policy``), a group's inline policy (``aws_iam_group_policy``: it binds every
member) or an ``aws_iam_policy_document`` no resource of the folder uses as a role's, user's or
group's own inline policy (a document meant for other principals), with a ``Deny`` statement
conditioned on the key. A role's or user's own inline limits are not guards.

A Deny statement closes the door of an action only when it holds for every request that turns exec
on (IAM policy evaluation logic, https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html):

- its condition on the key holds for the value ``"true"``: ``StringEquals`` and ``StringLike`` compare
  case-sensitively (``"True"`` never matches), ``...IgnoreCase`` does not;
- its ``Resource`` covers the resource the action is authorized on (Service Authorization Reference:
  ``service`` for CreateService/UpdateService, ``task-definition`` for RunTask/StartTask); a guard on
  ``service/*`` leaves RunTask and StartTask open;
- it has no other condition, except an exemption of named principals (a negated operator on
  ``aws:PrincipalArn``, e.g. the exec-window role): ``aws:RequestedRegion = us-east-1`` leaves
  every other region open.

A guard whose key condition never holds for ``"true"`` (``"false"``, ``StringLike "yes"``) closes nothing
and fails too.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from exec_checks.iam import data_source_document, read_policy
from exec_checks.model import Block, TfModel
from exec_checks.policy import Condition, PolicyDocument, Statement, covers, resource_matches
from iampolicy import actions

KEY = actions.ENABLE_EXECUTE_COMMAND_KEY
#: Every action the key is on: a guard denies all of them (the one catalogue, iampolicy.actions).
EXEC_ENABLING_ACTIONS = actions.ENABLE_EXECUTE_COMMAND_ACTIONS
_STRING_OPERATORS = ("String", "Null")
_INLINE_HOLDERS = ("aws_iam_role_policy", "aws_iam_user_policy", "aws_iam_group_policy", "aws_iam_role")
#: The resource each action is authorized on (canonical form), from the Service Authorization
#: Reference; None: not documented there when written, any ECS resource pattern may or may not cover it.
_SERVICE_ACTIONS = ("ecs:CreateService", "ecs:UpdateService")
_AUTHORIZED_ON: dict[str, str | None] = {
    action: "ecs:service/any-cluster/any-service"
    if action in _SERVICE_ACTIONS
    else "ecs:task-definition/any-family:1"
    if action in actions.TASK_LAUNCH_ACTIONS
    else None  # the daemon actions
    for action in actions.ENABLE_EXECUTE_COMMAND_ACTIONS
}
#: Negated operators: on aws:PrincipalArn they exempt named principals from the Deny.
_EXEMPTING = ("ArnNotEquals", "ArnNotLike", "StringNotEquals", "StringNotEqualsIgnoreCase", "StringNotLike")


@dataclass(frozen=True)
class Guard:
    """A policy judged as a guard: the block reported on and its document."""

    block: Block
    document: PolicyDocument


def guards(model: TfModel) -> Iterator[Guard]:
    """Managed policies, SCPs, group policies and free-standing ``aws_iam_policy_document`` data sources."""
    for block in model.of_type("aws_iam_policy", "aws_organizations_policy", "aws_iam_group_policy"):
        if block.kind != "resource":
            continue
        label = "content" if block.type == "aws_organizations_policy" else "policy"
        if block.type == "aws_organizations_policy" and block.attr("type") not in (
            None,
            "SERVICE_CONTROL_POLICY",
        ):
            continue
        yield Guard(block, read_policy(model, block, block.attr(label), label))
    for doc_block in model.of_type("aws_iam_policy_document"):
        used_by = {b.type for b in model.referrers(doc_block)}
        if not used_by & {*_INLINE_HOLDERS, "aws_iam_policy", "aws_organizations_policy"}:
            yield Guard(doc_block, data_source_document(model, doc_block))


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
    # StringEquals / StringNotEquals are case-sensitive (IAM condition operators)
    if base == "StringEquals":
        return "true" in values
    if base == "StringNotEquals":
        return "true" not in values
    if base in ("StringEqualsIgnoreCase", "Bool"):
        return "true" in (v.lower() for v in values)
    if base == "StringNotEqualsIgnoreCase":
        return "true" not in (v.lower() for v in values)
    if base in ("StringLike", "StringNotLike"):
        like = any(resource_matches(v, "true") is True for v in values)
        return like if base == "StringLike" else not like
    return False


def _covers_action(st: Statement, action: str) -> bool | None:
    """Does the statement's Resource (or NotResource) cover what ``action`` is authorized on?"""
    target = _AUTHORIZED_ON[action]
    if target is None:  # only a pattern that covers every ECS resource certainly does
        hit = covers(st, "ecs:any-type/any-resource")
        return True if hit else None
    return covers(st, target)


def narrows(cond: Condition) -> bool:
    """True when a condition on another key than ``ecs:enable-execute-command`` narrows the Deny to
    some requests (anything but a principal exemption on ``aws:PrincipalArn``)."""
    if cond.key.lower() == KEY:
        return False
    return not (cond.key.lower() == "aws:principalarn" and cond.base_operator in _EXEMPTING)


def _statement_denies(st: Statement, action: str) -> bool | None:
    if st.effect != "Deny":
        return False
    # neither Action nor NotAction rendered (a variable checkov could not read): unknown
    applies = None if st.actions == () and st.not_actions == () else st.matches_action(action)
    if applies is False:
        return False
    conds = st.conditions_on(KEY)
    if conds is None or st.conditions is None:
        return None
    results = [holds_when_on(c) for c in conds]
    if False in results or any(narrows(c) for c in st.conditions):
        return False
    covered = _covers_action(st, action)
    if covered is False:
        return False
    if applies is None or None in results or covered is None:
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
