"""Roles that hand out ECS Exec, and whether their trust policy binds who may assume them.

A role *hands out exec* when its policies allow ``ecs:ExecuteCommand`` or turning exec on (one of
the actions of :data:`exec_checks.guard.EXEC_ENABLING_ACTIONS` allowed, not only with
``ecs:enable-execute-command`` = ``"false"``, and not denied when it is ``"true"``).

Its trust policy (``assume_role_policy``) is *bound* when every statement that lets the account
root (``arn:aws:iam::<account>:root`` or a bare account id; an account id from a data source counts
as this account) or ``*`` call ``sts:AssumeRole`` carries a condition that says who may assume:

- ``aws:PrincipalArn`` with a positive String or Arn operator, every value naming principals: a
  resource part with a literal type and some literal name (``role/ops-*``), not the whole account
  (``arn:aws:iam::111122223333:*``, ``role/*``). ``ArnEquals`` and ``ArnLike`` both read ``*`` and
  ``?`` as wildcards, ``StringLike`` too; ``StringEquals`` compares literally (IAM condition operators,
  https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html);
- ``sts:SourceIdentity`` (no ``IfExists``) whose every value is fixed by who the caller is: it holds a
  variable of the caller's IAM identity (``${aws:username}``, ``${aws:userid}``) and, for a ``...Like``
  operator, no wildcard outside it. ``${sts:SourceIdentity}`` compares the key with itself (always
  true), ``*${aws:username}*`` lets a caller pick any name containing theirs.

A statement trusting GitHub's OIDC provider (``Federated`` ``...:oidc-provider/token.actions.githubusercontent.com``)
is bound when ``token.actions.githubusercontent.com:sub`` is compared (a positive String operator)
with values that each name an owner: ``repo:<owner>/...`` with a literal owner, or a literal value
for ``StringEquals``; ``repo:*`` or ``*`` admits every GitHub repository in the world (IAM User
Guide, "Configuring a role for GitHub OIDC identity provider",
https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_create_for-idp_oidc.html#idp_oidc_Create_GitHub).

``Null sts:SourceIdentity`` alone does not bind: anyone allowed ``sts:AssumeRole`` picks any source
identity (IAM: "Monitor and control actions taken with assumed roles",
https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_temp_control-access_monitor.html;
policy variables: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html).
"""

from __future__ import annotations

import re

from checkov.common.models.enums import CheckResult

from exec_checks.base import worst
from exec_checks.guard import EXEC_ENABLING_ACTIONS, KEY, denied, holds_when_on
from exec_checks.policy import PolicyDocument, Statement

EXEC = "ecs:ExecuteCommand"
_ROOT = re.compile(r"^(arn:[^:]*:iam::[^:]*:root|\d{12}|\*)$")
#: A policy variable as rendered (``${aws:username}``; ``$${...}`` escaped in HCL).
_POLICY_VARIABLE = re.compile(r"\$\$?\{\s*([a-z0-9-]+:[^}]+?)\s*\}", re.IGNORECASE)
#: Policy variables fixed by the caller's IAM identity (IAM "AWS global condition context keys":
#: aws:username, aws:userid); variable names compare case-insensitively, as condition keys do.
_CALLER_VARIABLES = ("aws:username", "aws:userid")
_STRING_POSITIVE = ("StringEquals", "StringEqualsIgnoreCase", "StringLike")
_POSITIVE = (*_STRING_POSITIVE, "ArnEquals", "ArnLike")
_GITHUB = "oidc-provider/token.actions.githubusercontent.com"
_GITHUB_SUB = "token.actions.githubusercontent.com:sub"
#: Operators that read ``*`` and ``?`` as wildcards (ArnEquals does too).
_WILDCARD_OPERATORS = ("StringLike", "ArnEquals", "ArnLike")


def _turns_on(st: Statement, action: str) -> bool:
    if st.effect != "Allow" or st.matches_action(action) is not True:
        return False
    conds = st.conditions_on(KEY)
    return conds is not None and all(holds_when_on(c) is not False for c in conds)


def hands_out_exec(docs: list[PolicyDocument]) -> bool:
    """True when the documents of one role certainly allow ``ecs:ExecuteCommand`` or turning exec on."""
    if any(d.allowing(EXEC) for d in docs):
        return True
    for action in EXEC_ENABLING_ACTIONS:
        guarded = any(denied(d)[action] for d in docs)
        if not guarded and any(_turns_on(st, action) for d in docs for st in d.statements):
            return True
    return False


def _names_principals(value: str, operator: str) -> bool:
    """Does an ``aws:PrincipalArn`` value name some principals rather than every one of an account?
    A pattern (wildcard operators) needs a literal resource type and some literal name after it."""
    if operator not in _WILDCARD_OPERATORS:
        return True  # compared literally: it names at most that one ARN
    parts = value.split(":", 5)
    if len(parts) != 6 or parts[0] != "arn":
        return not any(c in value for c in "*?")
    kind, _, name = parts[5].partition("/")
    return bool(kind) and not any(c in kind for c in "*?") and bool(name.strip("*?/"))


def _fixed_by_caller(raw: object, operator: str) -> bool:
    """Is a ``sts:SourceIdentity`` value fixed by who the caller is (see the module docstring)?"""
    if not isinstance(raw, str):
        return False
    found = [m.group(1).lower() for m in _POLICY_VARIABLE.finditer(raw)]
    if not found or any(v not in _CALLER_VARIABLES for v in found):
        return False
    rest = _POLICY_VARIABLE.sub("", raw)
    return operator != "StringLike" or not any(c in rest for c in "*?")


def _binds(st: Statement) -> bool | None:
    """Does the statement name who may assume (see the module docstring)? None when unknown."""
    if st.conditions is None:
        return None
    unknown = False
    for cond in st.conditions:
        key, base = cond.key.lower(), cond.base_operator
        if base not in _POSITIVE:
            continue
        if key == "aws:principalarn":  # always in the request context: IfExists changes nothing
            if None in cond.values:
                unknown = True
            elif cond.values and all(_names_principals(str(v), base) for v in cond.values):
                return True
        # IfExists lets a request without a source identity through: it binds nothing
        if (
            key == "sts:sourceidentity"
            and not cond.operator.endswith("IfExists")
            and cond.raw
            and all(_fixed_by_caller(r, base) for r in cond.raw)
        ):
            return True
    return None if unknown else False


def _names_repositories(value: str, operator: str) -> bool:
    """Does a GitHub ``sub`` value name repositories of a literal owner (see the module docstring)?"""
    if operator != "StringLike":
        return True  # compared literally (or case-insensitively): one subject at most
    if value.startswith("repo:"):
        owner, slash, _ = value.removeprefix("repo:").partition("/")
        return bool(owner) and bool(slash) and not any(c in owner for c in "*?")
    return not value.startswith(("*", "?"))


def _github_bound(st: Statement) -> bool | None:
    """Is a statement trusting GitHub's OIDC provider bound to named repositories? None when unknown."""
    if st.conditions is None:
        return None
    if any("${" in c.key for c in st.conditions):
        return None  # a key only known at plan time
    subs = [c for c in st.conditions if c.key.lower() == _GITHUB_SUB and c.base_operator in _STRING_POSITIVE]
    if any(None in c.values for c in subs):
        return None
    return any(
        not c.operator.endswith("IfExists")
        and c.values
        and all(_names_repositories(str(v), c.base_operator) for v in c.values)
        for c in subs
    )


def trust_bound(trust: PolicyDocument) -> CheckResult:
    """PASSED when every statement admitting the account root or ``*`` to ``sts:AssumeRole`` (or GitHub's
    OIDC provider to ``sts:AssumeRoleWithWebIdentity``) binds the caller, FAILED when one certainly does not, UNKNOWN when a principal or condition is unknown."""
    if trust.unknown:
        return CheckResult.UNKNOWN
    results = [CheckResult.PASSED]
    for st in trust.statements:
        if st.effect != "Allow":
            continue
        github = [i for kind, i in st.principals or () if kind == "Federated" and i and i.endswith(_GITHUB)]
        if github and st.matches_action("sts:AssumeRoleWithWebIdentity") is not False:
            bound = _github_bound(st)
            results.append(
                CheckResult.PASSED if bound else CheckResult.UNKNOWN if bound is None else CheckResult.FAILED
            )
        if st.matches_action("sts:AssumeRole") is False:
            continue
        binds = _binds(st)
        if binds:
            continue
        principals = st.principals
        if principals is None or any(ident is None for _, ident in principals):
            results.append(CheckResult.UNKNOWN)
            continue
        broad = any(kind == "AWS" and ident is not None and _ROOT.match(ident) for kind, ident in principals)
        if broad:
            results.append(CheckResult.UNKNOWN if binds is None else CheckResult.FAILED)
    return worst(results)
