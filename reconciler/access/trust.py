"""Trust policies of the exec-window, operator and drift roles that admit principals the report cannot list.

The report enumerates the principals of *one* account. A trust policy that names ``*``, another
account (its id or root), or this account's root without a condition saying *who* (``sts:SourceIdentity
= ${aws:username}``, ``aws:PrincipalArn`` patterns), lets in principals the account details do not hold
or that need nothing but their own identity-based ``sts:AssumeRole``:

- "How IAM roles differ from resource-based policies" and "Cross account resource access in IAM"
  (https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_compare-resource-policies.html,
  https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies-cross-account-resource-access.html):
  a principal of another account that the trust policy names (by account, root or ``*``) assumes
  the role once *its own* account's identity policy allows ``sts:AssumeRole`` on it;
- "Policy evaluation logic", "Identity-based policies with resource-based policies"
  (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html): within
  one account, a trust policy that names the account (root) or ``*`` rather than the caller's ARN
  delegates to the caller's identity policies: any principal of the account given ``sts:AssumeRole``
  on the role (now or later) may assume it.

So the trust itself is the finding: a pseudo-principal ``trust:<role>`` (type ``trust``) with an
``assume-role`` capability on the role, unexpected unless the config's own principal patterns for
that role cover the probe. The question is asked of *probe* principals (a role named
:data:`PROBE_NAME` in this account; a role and an IAM user of that name in each other account
the trust names and in an account nobody names) with a complete request context:
``aws:PrincipalArn``, ``aws:PrincipalAccount``, ``aws:PrincipalType`` (``aws:username`` for the
user) and no, someone else's or the probe's own ``sts:SourceIdentity``. This account's IAM users
naming themselves are not probed: the report lists them one by one.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from iampolicy import Decision, Principal, RequestContext, trusts
from iampolicy.match import account_of
from reconciler.access.capabilities import FOUND, Capability

PROBE_NAME = "ecs-exec-access-probe"
#: Accounts nobody names, for ``Principal: "*"`` (one is the config's own account at most).
_UNNAMED = ("000000000000", "111111111111")


def _probe_accounts(role: Principal, own: str) -> list[str]:
    named = {own}
    for st in role.trust.statements if role.trust else ():
        for p in st.principals or ():
            if p.isdigit() and len(p) == 12:
                named.add(p)
            elif (acct := account_of(p)) is not None:
                named.add(acct)
    unnamed = next(a for a in _UNNAMED if a not in named)
    return [own, *sorted(named - {own}), unnamed]


def _admits(role: Principal, probe: str, account: str) -> Decision:
    user = ":user/" in probe
    best = Decision.NOT_ALLOWED
    for source_identity in (None, "someone-else", PROBE_NAME):
        values = {
            "aws:principalarn": probe,
            "aws:principalaccount": account,
            "aws:principaltype": "User" if user else "AssumedRole",
            "sts:sourceidentity": source_identity,
        }
        ctx = RequestContext({**values, "aws:username": PROBE_NAME} if user else values, complete=True)
        actions = ["sts:AssumeRole"] + (["sts:SetSourceIdentity"] if source_identity else [])
        answers = [trusts(role, probe, a, ctx) for a in actions]
        if Decision.DENIED in answers or Decision.NOT_ALLOWED in answers:
            continue
        d = Decision.CONDITIONAL if Decision.CONDITIONAL in answers else Decision.ALLOWED
        best = Decision.ALLOWED if Decision.ALLOWED in (best, d) else d
    return best


def open_trusts(
    roles: Mapping[str, Principal], own_account: str, partition: str
) -> list[tuple[str, Principal, Capability, list[str]]]:
    """The managed roles (``roles``: by name) whose trust admits a probe principal.

    Returns ``(role name, pseudo-principal trust:<role>, assume-role capability, probe ARNs
    admitted)`` per such role; an empty list when every trust names its principals.
    """
    out = []
    for name, role in sorted(roles.items()):
        admitted: list[str] = []
        decision = Decision.NOT_ALLOWED
        for account in _probe_accounts(role, own_account):
            # This account's IAM users naming themselves are listed one by one; other accounts' are not.
            kinds = ("role",) if account == own_account else ("role", "user")
            for probe in (f"arn:{partition}:iam::{account}:{k}/{PROBE_NAME}" for k in kinds):
                d = _admits(role, probe, account)
                if d in FOUND:
                    admitted.append(probe)
                    decision = Decision.ALLOWED if Decision.ALLOWED in (decision, d) else d
        if admitted:
            pseudo = Principal(f"trust:{name}", role.arn, "trust")
            out.append((name, pseudo, Capability("assume-role", name, decision), admitted))
    return out


def describe(role: str, admitted: Sequence[str], own_account: str) -> str:
    """The note of one open trust: who it admits, and why that is a finding."""
    accounts = sorted({a for p in admitted if (a := account_of(p)) is not None})
    others = [a for a in accounts if a != own_account]
    who = []
    if own_account in accounts:
        who.append(f"any principal of this account ({own_account}) given sts:AssumeRole on it")
    if others:
        who.append("principals of other accounts (" + ", ".join(others) + ")")
    return (
        f"trust:{role}: the trust policy of {role} lets " + " and ".join(who) + " assume it, with no "
        "condition naming who (IAM User Guide, policy evaluation logic: a trust naming an account or * "
        "delegates to the caller's identity policies)"
    )
