"""One principal's policies together: identity policies, a permission boundary, SCPs.

Combines as the IAM user guide's evaluation logic says
(https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html,
"Determining whether a request is allowed or denied within an account"): an explicit Deny in any
of them denies; otherwise the request needs an Allow from the SCPs (when any are given), from the
permission boundary (when there is one) and from the identity policies. Resource-based policies
other than trust policies and session policies are not modelled.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from iampolicy.conditions import RequestContext
from iampolicy.evaluate import Evaluation, evaluate
from iampolicy.model import Decision, Policy, parse_policy

#: The SCP AWS Organizations attaches to every root, OU and account by default ("FullAWSAccess",
#: https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps_strategies.html):
#: deny-list SCPs are written on top of it, so evaluate them together with it.
FULL_AWS_ACCESS = parse_policy(
    {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]},
    "scp:FullAWSAccess",
)


@dataclass(frozen=True)
class Principal:
    """An IAM role or user as the evaluator sees it.

    ``arn``: ``arn:aws:iam::<account>:role/<name>`` (or ``user/``); ``type``: ``role`` or ``user``;
    ``policies``: its identity policies (inline, attached managed, and a user's groups' policies);
    ``boundary``: its permission boundary's policy when it has one and it could be read;
    ``trust``: a role's trust policy (who may assume it).
    """

    name: str
    arn: str
    type: str
    policies: tuple[Policy, ...] = ()
    boundary: Policy | None = None
    trust: Policy | None = None


def _layer(decision: Decision) -> int:
    return {Decision.DENIED: 0, Decision.NOT_ALLOWED: 1, Decision.CONDITIONAL: 2, Decision.ALLOWED: 3}[
        decision
    ]


def decide(
    principal: Principal,
    action: str,
    resource: str,
    context: RequestContext | Mapping[str, Any] | None = None,
    *,
    scps: tuple[Policy, ...] = (),
) -> Decision:
    """May ``principal`` call ``action`` on ``resource`` with ``context``?

    The weakest of the layers that apply: identity policies, the boundary (when set), the SCPs
    (when given). ``denied`` when any layer explicitly denies; ``not-allowed`` when a layer gives no
    Allow; ``conditional`` when a layer depends on an undecided condition; else ``allowed``.
    """
    layers: list[Evaluation] = [evaluate(principal.policies, action, resource, context=context)]
    if principal.boundary is not None:
        layers.append(evaluate([principal.boundary], action, resource, context=context))
    if scps:
        layers.append(evaluate(scps, action, resource, context=context))
    if any(e.decision is Decision.DENIED for e in layers):
        return Decision.DENIED
    return min((e.decision for e in layers), key=_layer)


def trusts(
    role: Principal, caller: str, action: str, context: RequestContext | Mapping[str, Any] | None
) -> Decision:
    """Does ``role``'s trust policy let ``caller`` (an ARN, or ``service:<name>``) do ``action``
    (``sts:AssumeRole``, ``sts:SetSourceIdentity``) with ``context``? ``not-allowed`` without a trust policy."""
    if role.trust is None:
        return Decision.NOT_ALLOWED
    return evaluate([role.trust], action, role.arn, principal=caller, context=context).decision


def can_assume(
    caller: Principal,
    role: Principal,
    source_identity: str | None = None,
    *,
    scps: tuple[Policy, ...] = (),
) -> Decision:
    """May ``caller`` (same account) call ``sts:AssumeRole`` on ``role``, setting ``source_identity``?

    The request context holds ``aws:PrincipalArn`` and ``sts:SourceIdentity`` (and ``aws:username``
    for an IAM user) and nothing else. Setting a source identity needs ``sts:SetSourceIdentity`` too,
    in the trust policy and the caller's policies
    (https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_temp_control-access_monitor.html).
    Same-account role trust: when the trust policy names the caller's ARN, the trust alone allows;
    when it names the account (root), the caller's identity policies must allow too
    (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html,
    "Identity-based policies with resource-based policies"). An explicit Deny anywhere wins.
    """
    values: dict[str, Any] = {
        "aws:principalarn": caller.arn,
        "aws:principaltype": "User" if caller.type == "user" else "AssumedRole",
        "sts:sourceidentity": source_identity,
    }
    if caller.type == "user":
        values["aws:username"] = caller.name
    ctx = RequestContext(values, complete=True)
    actions = ["sts:AssumeRole"] + (["sts:SetSourceIdentity"] if source_identity is not None else [])
    named = role.trust is not None and any(
        st.effect == "Allow" and st.principals is not None and caller.arn in st.principals
        for st in role.trust.statements
    )
    outcome = Decision.ALLOWED
    for action in actions:
        trust = trusts(role, caller.arn, action, ctx)
        identity = decide(caller, action, role.arn, ctx, scps=scps)
        if Decision.DENIED in (trust, identity):
            return Decision.DENIED
        if named:  # the trust policy grants the caller itself; SCPs still bound the caller
            scp = evaluate(scps, action, role.arn, context=ctx).decision if scps else Decision.ALLOWED
            step = min((trust, scp), key=_layer)
        else:
            step = min((trust, identity), key=_layer)
        outcome = min((outcome, step), key=_layer)
    return outcome
