"""Table tests of the static IAM evaluator (iampolicy/)."""

from __future__ import annotations

from typing import Any

import pytest

from iampolicy import (
    Decision,
    PolicyParseError,
    Truth,
    action_matches,
    condition_truth,
    evaluate,
    parse_policy,
    principal_matches,
    resource_matches,
)

GROUP = "arn:aws:logs:us-east-1:123456789012:log-group:/ecs-exec/local/demo-app"
STREAM = GROUP + ":log-stream:ecs-execute-command-preflight"
ROLE = "arn:aws:iam::123456789012:role/demo-app-api-task"


def _policy(*statements: dict[str, Any], name: str = "p") -> Any:
    return parse_policy({"Version": "2012-10-17", "Statement": list(statements)}, name)


def allow(action: Any, resource: Any = "*", **extra: Any) -> dict[str, Any]:
    return {"Effect": "Allow", "Action": action, "Resource": resource, **extra}


def deny(action: Any, resource: Any = "*", **extra: Any) -> dict[str, Any]:
    return {"Effect": "Deny", "Action": action, "Resource": resource, **extra}


@pytest.mark.parametrize(
    ("pattern", "action", "expected"),
    [
        ("ssmmessages:*", "ssmmessages:OpenDataChannel", True),
        ("ssmmessages:Open*", "ssmmessages:OpenDataChannel", True),
        ("ssmmessages:Open*", "ssmmessages:CreateDataChannel", False),
        ("SSMMESSAGES:opendatachannel", "ssmmessages:OpenDataChannel", True),
        ("*", "kms:Decrypt", True),
        ("kms:Decrypt?", "kms:Decrypt", False),
        ("logs:Put?ogEvents", "logs:PutLogEvents", True),
        ("s3:Get*", "s3:PutObject", False),
    ],
)
def test_action_wildcards(pattern: str, action: str, expected: bool) -> None:
    assert action_matches(pattern, action) is expected


@pytest.mark.parametrize(
    ("pattern", "resource", "expected"),
    [
        (GROUP + ":*", STREAM, True),
        (GROUP, STREAM, False),
        ("*", STREAM, True),
        ("arn:aws:logs:*:123456789012:log-group:/ecs-exec/*", STREAM, True),
        ("arn:aws:logs:us-east-1:123456789012:log-group:/ECS-EXEC/*", STREAM, False),  # case-sensitive
        ("arn:aws:s3:::bucket/exec-sessions/*", "arn:aws:s3:::bucket/exec-sessions/abc.log", True),
        ("arn:aws:s3:::bucket/exec-sessions/*", "arn:aws:s3:::bucket/other/abc.log", False),
        ("arn:aws:s3:::bucket[1]", "arn:aws:s3:::bucket[1]", True),  # regex characters are literal
    ],
)
def test_resource_wildcards(pattern: str, resource: str, expected: bool) -> None:
    assert resource_matches(pattern, resource) is expected


@pytest.mark.parametrize(
    ("statements", "action", "resource", "expected"),
    [
        # plain allow, and the implicit deny when nothing matches
        ([allow("kms:Decrypt")], "kms:Decrypt", "arn:aws:kms:us-east-1:1:key/k", Decision.ALLOWED),
        ([allow("kms:Encrypt")], "kms:Decrypt", "*", Decision.NOT_ALLOWED),
        ([], "kms:Decrypt", "*", Decision.NOT_ALLOWED),
        # deny wins over allow, whatever the order
        ([allow("logs:*"), deny("logs:PutLogEvents")], "logs:PutLogEvents", STREAM, Decision.DENIED),
        ([deny("logs:*", GROUP + ":*"), allow("*")], "logs:PutLogEvents", STREAM, Decision.DENIED),
        (
            [deny("logs:*", "arn:aws:logs:*:*:log-group:/app*"), allow("*")],
            "logs:PutLogEvents",
            STREAM,
            Decision.ALLOWED,
        ),
        # the log-write actions scoped to the group ARN only do not reach a stream
        ([allow("logs:PutLogEvents", GROUP)], "logs:PutLogEvents", STREAM, Decision.NOT_ALLOWED),
        ([allow("logs:PutLogEvents", GROUP + ":*")], "logs:PutLogEvents", STREAM, Decision.ALLOWED),
        # DescribeLogGroups scoped to the group does not match the literal "*"
        (
            [allow("logs:DescribeLogGroups", GROUP + ":*")],
            "logs:DescribeLogGroups",
            "*",
            Decision.NOT_ALLOWED,
        ),
        # NotAction / NotResource
        ([{"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"}], "kms:Decrypt", "*", Decision.ALLOWED),
        (
            [{"Effect": "Allow", "NotAction": ["iam:*", "kms:*"], "Resource": "*"}],
            "kms:Decrypt",
            "*",
            Decision.NOT_ALLOWED,
        ),
        (
            [allow("*"), {"Effect": "Deny", "NotAction": "ssmmessages:*", "Resource": "*"}],
            "ssmmessages:OpenDataChannel",
            "*",
            Decision.ALLOWED,
        ),
        (
            [allow("*"), {"Effect": "Deny", "NotAction": "ssmmessages:*", "Resource": "*"}],
            "kms:Decrypt",
            "*",
            Decision.DENIED,
        ),
        (
            [{"Effect": "Allow", "Action": "s3:*", "NotResource": "arn:aws:s3:::secret/*"}],
            "s3:PutObject",
            "arn:aws:s3:::bucket/x",
            Decision.ALLOWED,
        ),
        (
            [{"Effect": "Allow", "Action": "s3:*", "NotResource": "arn:aws:s3:::secret/*"}],
            "s3:PutObject",
            "arn:aws:s3:::secret/x",
            Decision.NOT_ALLOWED,
        ),
        # conditions: reported as conditional, never as allowed
        (
            [allow("ecs:ExecuteCommand", Condition={"StringEquals": {"ecs:container-name": "app"}})],
            "ecs:ExecuteCommand",
            "*",
            Decision.CONDITIONAL,
        ),
        # an undecided deny turns an allow into conditional
        (
            [allow("*"), deny("*", Condition={"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}})],
            "kms:Decrypt",
            "*",
            Decision.CONDITIONAL,
        ),
        # a policy variable that cannot be resolved makes the match conditional
        (
            [allow("s3:PutObject", "arn:aws:s3:::b/${aws:username}/*")],
            "s3:PutObject",
            "arn:aws:s3:::b/x/y",
            Decision.CONDITIONAL,
        ),
    ],
)
def test_evaluate_table(
    statements: list[dict[str, Any]], action: str, resource: str, expected: Decision
) -> None:
    result = evaluate([_policy(*statements)], action, resource)
    assert result.decision is expected, result.explain()


def test_deny_in_another_policy_wins_and_is_named() -> None:
    allow_p = _policy(allow("kms:*"), name="inline:task")
    deny_p = _policy(
        {**deny("kms:Decrypt"), "Sid": "NoDecrypt"}, name="arn:aws:iam::123456789012:policy/guard"
    )
    result = evaluate([allow_p, deny_p], "kms:Decrypt", "arn:aws:kms:us-east-1:1:key/k")
    assert result.decision is Decision.DENIED
    assert "arn:aws:iam::123456789012:policy/guard#NoDecrypt" in result.explain()


def test_conditional_explains_condition_keys() -> None:
    p = _policy(allow("ecs:ExecuteCommand", Condition={"StringEquals": {"ecs:container-name": "app"}}))
    result = evaluate([p], "ecs:ExecuteCommand", "*")
    assert "ecs:container-name" in result.explain()


@pytest.mark.parametrize(
    ("conditions", "context", "expected"),
    [
        ({"StringEquals": {"ecs:container-name": "app"}}, {"ecs:container-name": "app"}, Truth.TRUE),
        ({"StringEquals": {"ecs:container-name": ["web", "app"]}}, {"ecs:container-name": "app"}, Truth.TRUE),
        ({"StringEquals": {"ecs:container-name": "app"}}, {"ecs:container-name": "envoy"}, Truth.FALSE),
        ({"StringEquals": {"ecs:container-name": "app"}}, {}, Truth.UNKNOWN),
        (
            {"StringLike": {"aws:PrincipalArn": "arn:aws:iam::*:role/ops-*"}},
            {"aws:principalarn": "arn:aws:iam::1:role/ops-a"},
            Truth.TRUE,
        ),
        ({"Bool": {"aws:SecureTransport": "false"}}, {"aws:securetransport": "true"}, Truth.FALSE),
        ({"StringNotEquals": {"aws:SourceAccount": ["1", "2"]}}, {"aws:sourceaccount": "3"}, Truth.TRUE),
        ({"StringNotEquals": {"aws:SourceAccount": ["1", "2"]}}, {"aws:sourceaccount": "2"}, Truth.FALSE),
        ({"StringEqualsIfExists": {"ecs:container-name": "app"}}, {"ecs:container-name": None}, Truth.TRUE),
        ({"StringEquals": {"ecs:container-name": "app"}}, {"ecs:container-name": None}, Truth.FALSE),
        ({"Null": {"ecs:container-name": "true"}}, {"ecs:container-name": None}, Truth.TRUE),
        ({"ForAnyValue:StringEquals": {"aws:TagKeys": "a"}}, {"aws:tagkeys": ["a"]}, Truth.TRUE),
        (
            {"NumericLessThan": {"aws:MultiFactorAuthAge": "3600"}},
            {"aws:multifactorauthage": "1"},
            Truth.TRUE,
        ),
        # AND over blocks: one false decides
        (
            {"StringEquals": {"ecs:container-name": "app"}, "Bool": {"aws:SecureTransport": "true"}},
            {"aws:securetransport": "false"},
            Truth.FALSE,
        ),
    ],
)
def test_condition_truth(conditions: dict[str, Any], context: dict[str, Any], expected: Truth) -> None:
    parsed = {
        op: {k: tuple(v if isinstance(v, list) else [v]) for k, v in b.items()}
        for op, b in conditions.items()
    }
    assert condition_truth(parsed, context) is expected


def test_known_context_decides_a_condition() -> None:
    p = _policy(allow("*"), deny("*", Condition={"Bool": {"aws:SecureTransport": "false"}}))
    assert evaluate([p], "s3:PutObject", "arn:aws:s3:::b/k").decision is Decision.CONDITIONAL
    decided = evaluate([p], "s3:PutObject", "arn:aws:s3:::b/k", context={"aws:SecureTransport": "true"})
    assert decided.decision is Decision.ALLOWED


@pytest.mark.parametrize(
    ("principals", "expected"),
    [
        (("*",), True),
        ((ROLE,), True),
        (("arn:aws:iam::123456789012:root",), True),
        (("123456789012",), True),
        (("arn:aws:iam::999999999999:root",), False),
        (("arn:aws:iam::123456789012:role/other",), False),
        (("service:logs.amazonaws.com",), False),
    ],
)
def test_principal_matching(principals: tuple[str, ...], expected: bool) -> None:
    assert principal_matches(principals, ROLE) is expected


def test_assumed_role_session_matches_its_role() -> None:
    session = "arn:aws:sts::123456789012:assumed-role/demo-app-api-task/abc"
    assert principal_matches((ROLE,), session)


def test_resource_policy_principal_filter() -> None:
    key_policy = _policy(
        {
            "Effect": "Allow",
            "Principal": {"AWS": "arn:aws:iam::123456789012:root"},
            "Action": "kms:*",
            "Resource": "*",
        },
        {"Effect": "Deny", "Principal": {"AWS": "arn:aws:iam::123456789012:role/other"}, "Action": "kms:*"},
        name="key-policy",
    )
    assert evaluate([key_policy], "kms:Decrypt", "*", principal=ROLE).decision is Decision.ALLOWED
    other = "arn:aws:iam::123456789012:role/other"
    assert evaluate([key_policy], "kms:Decrypt", "*", principal=other).decision is Decision.DENIED
    not_principal = _policy(
        {"Effect": "Deny", "NotPrincipal": {"AWS": ROLE}, "Action": "kms:*", "Resource": "*"}, name="kp"
    )
    assert evaluate([not_principal], "kms:Decrypt", "*", principal=ROLE).decision is Decision.NOT_ALLOWED
    assert evaluate([not_principal], "kms:Decrypt", "*", principal=other).decision is Decision.DENIED


@pytest.mark.parametrize(
    "document",
    [
        "not json",
        {"Version": "2012-10-17"},
        {"Statement": [{"Effect": "Maybe", "Action": "*", "Resource": "*"}]},
        {"Statement": [{"Effect": "Allow", "Resource": "*"}]},
        {"Statement": [{"Effect": "Allow", "Action": "*", "NotAction": "x:*", "Resource": "*"}]},
        # moto stores it unvalidated; was an AttributeError (exit 1) instead of a WARN
        {"Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*", "Condition": "oops"}]},
    ],
)
def test_parse_errors_name_the_policy(document: Any) -> None:
    with pytest.raises(PolicyParseError, match="^inline:task"):
        parse_policy(document, "inline:task")


def test_single_statement_object_and_string_action() -> None:
    p = parse_policy('{"Statement": {"Effect": "Allow", "Action": "kms:Decrypt", "Resource": "*"}}', "p")
    assert evaluate([p], "kms:Decrypt", "*").decision is Decision.ALLOWED
