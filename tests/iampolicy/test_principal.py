"""A principal's layers together (iampolicy/principal.py): identity policies, boundary, SCPs, trust.

Rules: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html
"""

from __future__ import annotations

from typing import Any

from iampolicy import Decision, Principal, RequestContext, can_assume, decide, parse_policy, trusts

ROLE = "arn:aws:iam::111122223333:role/ci"
SERVICE = "arn:aws:ecs:eu-west-1:111122223333:service/payments/api"
ON = RequestContext({"ecs:enable-execute-command": "true"}, complete=True)
OFF = RequestContext({"ecs:enable-execute-command": "false"}, complete=True)


def _doc(*statements: dict[str, Any], name: str = "p") -> Any:
    return parse_policy({"Version": "2012-10-17", "Statement": list(statements)}, name)


ADMIN = _doc({"Effect": "Allow", "Action": "ecs:*", "Resource": "*"}, name="admin")
GUARD = _doc(
    {
        "Effect": "Deny",
        "Action": ["ecs:UpdateService"],
        "Resource": "*",
        "Condition": {"StringEquals": {"ecs:enable-execute-command": "true"}},
    },
    name="guard",
)


def test_identity_allow_alone_allows() -> None:
    assert (
        decide(Principal("ci", ROLE, "role", (ADMIN,)), "ecs:UpdateService", SERVICE, ON) is Decision.ALLOWED
    )


def test_explicit_deny_wins_over_allow() -> None:
    p = Principal("ci", ROLE, "role", (ADMIN, GUARD))
    assert decide(p, "ecs:UpdateService", SERVICE, ON) is Decision.DENIED
    assert decide(p, "ecs:UpdateService", SERVICE, OFF) is Decision.ALLOWED


def test_boundary_limits_but_never_grants() -> None:
    boundary = _doc({"Effect": "Allow", "Action": "ecs:Describe*", "Resource": "*"}, name="boundary")
    limited = Principal("ci", ROLE, "role", (ADMIN,), boundary=boundary)
    assert decide(limited, "ecs:UpdateService", SERVICE, ON) is Decision.NOT_ALLOWED
    assert decide(limited, "ecs:DescribeServices", SERVICE, ON) is Decision.ALLOWED
    wide = _doc({"Effect": "Allow", "Action": "*", "Resource": "*"}, name="boundary")
    assert decide(Principal("x", ROLE, "role", (), boundary=wide), "ecs:DescribeServices", SERVICE) is (
        Decision.NOT_ALLOWED
    )


def test_scp_deny_applies_to_an_unguarded_admin() -> None:
    scp = _doc(
        {"Effect": "Allow", "Action": "*", "Resource": "*"},
        {
            "Effect": "Deny",
            "Action": "ecs:UpdateService",
            "Resource": "*",
            "Condition": {
                "StringEquals": {"ecs:enable-execute-command": "true"},
                "ArnNotLike": {"aws:PrincipalArn": "arn:aws:iam::*:role/ecs-exec-window-*"},
            },
        },
        name="scp",
    )
    admin = Principal("admin", ROLE, "role", (ADMIN,))
    ctx = RequestContext({**ON.values, "aws:principalarn": ROLE}, complete=True)
    assert decide(admin, "ecs:UpdateService", SERVICE, ctx, scps=(scp,)) is Decision.DENIED
    window = "arn:aws:iam::111122223333:role/ecs-exec-window-stg"
    ctx = RequestContext({**ON.values, "aws:principalarn": window}, complete=True)
    assert decide(
        Principal("w", window, "role", (ADMIN,)), "ecs:UpdateService", SERVICE, ctx, scps=(scp,)
    ) is (Decision.ALLOWED)


def test_trust_policy_names_the_caller_and_binds_the_source_identity() -> None:
    trust = _doc(
        {
            "Effect": "Allow",
            "Principal": {"AWS": "arn:aws:iam::111122223333:root"},
            "Action": ["sts:AssumeRole", "sts:SetSourceIdentity"],
            "Condition": {"Null": {"sts:SourceIdentity": "false"}},
        },
        name="trust",
    )
    role = Principal("op", "arn:aws:iam::111122223333:role/op", "role", trust=trust)
    with_id = RequestContext({"sts:sourceidentity": "alice"}, complete=True)
    assert trusts(role, ROLE, "sts:AssumeRole", with_id) is Decision.ALLOWED
    assert trusts(role, ROLE, "sts:AssumeRole", RequestContext({}, complete=True)) is Decision.NOT_ALLOWED
    assert trusts(role, "arn:aws:iam::444455556666:role/x", "sts:AssumeRole", with_id) is Decision.NOT_ALLOWED
    assert trusts(Principal("u", ROLE, "user"), ROLE, "sts:AssumeRole", with_id) is Decision.NOT_ALLOWED


OPERATOR = "arn:aws:iam::111122223333:role/op"
ROOT_TRUST = _doc(
    {
        "Effect": "Allow",
        "Principal": {"AWS": "arn:aws:iam::111122223333:root"},
        "Action": ["sts:AssumeRole", "sts:SetSourceIdentity"],
        "Condition": {"Null": {"sts:SourceIdentity": "false"}},
    },
    name="trust",
)
NAMED_TRUST = _doc(
    {
        "Effect": "Allow",
        "Principal": {"AWS": ROLE},
        "Action": ["sts:AssumeRole", "sts:SetSourceIdentity"],
        "Condition": {"Null": {"sts:SourceIdentity": "false"}},
    },
    name="trust",
)
MAY_ASSUME = _doc({"Effect": "Allow", "Action": ["sts:AssumeRole", "sts:SetSourceIdentity"], "Resource": "*"})


def test_a_trust_naming_the_account_needs_the_callers_own_permission() -> None:
    role = Principal("op", OPERATOR, "role", trust=ROOT_TRUST)
    assert can_assume(Principal("ci", ROLE, "role"), role, "alice") is Decision.NOT_ALLOWED
    assert can_assume(Principal("ci", ROLE, "role", (MAY_ASSUME,)), role, "alice") is Decision.ALLOWED
    # without a source identity the trust's Null condition refuses
    assert can_assume(Principal("ci", ROLE, "role", (MAY_ASSUME,)), role, None) is Decision.NOT_ALLOWED


def test_a_trust_naming_the_caller_is_enough_in_the_same_account() -> None:
    role = Principal("op", OPERATOR, "role", trust=NAMED_TRUST)
    assert can_assume(Principal("ci", ROLE, "role"), role, "alice") is Decision.ALLOWED
    deny = _doc({"Effect": "Deny", "Action": "sts:*", "Resource": "*"})
    assert can_assume(Principal("ci", ROLE, "role", (deny,)), role, "alice") is Decision.DENIED


def test_setting_a_source_identity_needs_set_source_identity_too() -> None:
    only_assume = _doc({"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "*"})
    role = Principal("op", OPERATOR, "role", trust=ROOT_TRUST)
    assert can_assume(Principal("ci", ROLE, "role", (only_assume,)), role, "alice") is Decision.NOT_ALLOWED


def test_a_bound_source_identity_is_the_users_own_name() -> None:
    bound = _doc(
        {
            "Effect": "Allow",
            "Principal": {"AWS": "arn:aws:iam::111122223333:root"},
            "Action": ["sts:AssumeRole", "sts:SetSourceIdentity"],
            "Condition": {"StringEquals": {"sts:SourceIdentity": "${aws:username}"}},
        },
        name="trust",
    )
    role = Principal("op", OPERATOR, "role", trust=bound)
    alice = Principal("alice", "arn:aws:iam::111122223333:user/alice", "user", (MAY_ASSUME,))
    assert can_assume(alice, role, "alice") is Decision.ALLOWED
    assert can_assume(alice, role, "bob") is Decision.NOT_ALLOWED
    assert can_assume(Principal("ci", ROLE, "role", (MAY_ASSUME,)), role, "alice") is Decision.NOT_ALLOWED
