"""Table tests of the condition operators (iampolicy/conditions.py), one row per documented rule.

Rules: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html
and .../reference_policies_condition-single-vs-multi-valued-context-keys.html.
"""

from __future__ import annotations

from typing import Any

import pytest

from iampolicy import RequestContext, Truth, condition_truth

T, F, U = Truth.TRUE, Truth.FALSE, Truth.UNKNOWN
CLUSTER = "arn:aws:ecs:eu-west-1:111122223333:cluster/payments"


def _truth(conditions: dict[str, Any], values: dict[str, Any], complete: bool = True) -> Truth:
    parsed = {
        op: {k: tuple(v if isinstance(v, list) else [v]) for k, v in block.items()}
        for op, block in conditions.items()
    }
    return condition_truth(parsed, RequestContext(values, complete=complete))


@pytest.mark.parametrize(
    ("op", "policy_value", "request_value", "expected"),
    [
        # String: exact and case-sensitive; IgnoreCase; Like with wildcards over the whole value
        ("StringEquals", "true", "true", T),
        ("StringEquals", "true", "TRUE", F),
        ("StringEqualsIgnoreCase", "true", "TRUE", T),
        ("StringNotEquals", "true", "false", T),
        ("StringNotEquals", "true", "true", F),
        ("StringNotEqualsIgnoreCase", "app", "APP", F),
        ("StringLike", "ops-*", "ops-alice", T),
        ("StringLike", "ops-?", "ops-ab", F),
        ("StringNotLike", "ops-*", "dev-alice", T),
        # Bool: "true" / "false"
        ("Bool", "true", "true", T),
        ("Bool", "true", "false", F),
        # Arn: six parts compared one by one; '*' does not span ':'
        ("ArnEquals", CLUSTER, CLUSTER, T),
        ("ArnLike", "arn:aws:ecs:*:111122223333:cluster/*", CLUSTER, T),
        ("ArnLike", "arn:aws:ecs:*:cluster/payments", CLUSTER, F),
        ("ArnNotLike", "arn:aws:ecs:*:*:cluster/data-*", CLUSTER, T),
        ("ArnNotEquals", CLUSTER, CLUSTER, F),
        # Numeric and IP address
        ("NumericLessThan", "3600", "120", T),
        ("NumericGreaterThan", "3600", "120", F),
        ("IpAddress", "203.0.113.0/24", "203.0.113.7", T),
        ("NotIpAddress", "203.0.113.0/24", "203.0.113.7", F),
        # Not decided here: unknown, never a guess
        ("DateGreaterThan", "2026-01-01T00:00:00Z", "2026-02-01T00:00:00Z", U),
        ("BinaryEquals", "QmluYXJ5", "QmluYXJ5", U),
    ],
)
def test_operator(op: str, policy_value: str, request_value: str, expected: Truth) -> None:
    assert _truth({op: {"k:key": policy_value}}, {"k:key": request_value}) is expected


@pytest.mark.parametrize(
    ("op", "expected"),
    [
        # "If the key ... is not present in the request context, the values do not match and the
        # condition is false" ...
        ("StringEquals", F),
        ("StringLike", F),
        ("ArnEquals", F),
        ("ArnLike", F),
        ("Bool", F),
        ("NumericEquals", F),
        ("IpAddress", F),
        # ... "If the policy condition requires that the key is not matched, such as StringNotLike
        # or ArnNotLike, and the right key is not present, the condition is true."
        ("StringNotEquals", T),
        ("StringNotLike", T),
        ("ArnNotLike", T),
        ("ArnNotEquals", T),
        # ...IfExists: "If the key is not present, the condition evaluates to true"
        ("StringEqualsIfExists", T),
        ("BoolIfExists", T),
        ("ArnLikeIfExists", T),
        # ForAllValues holds vacuously for a missing key; ForAnyValue needs a value
        ("ForAllValues:StringEquals", T),
        ("ForAllValues:StringLike", T),
        ("ForAnyValue:StringEquals", F),
        ("ForAnyValue:StringLike", F),
    ],
)
def test_missing_key(op: str, expected: Truth) -> None:
    assert _truth({op: {"k:key": "v"}}, {}) is expected


@pytest.mark.parametrize(
    ("policy_value", "present", "expected"),
    [("true", False, T), ("true", True, F), ("false", True, T), ("false", False, F)],
)
def test_null_tests_absence(policy_value: str, present: bool, expected: Truth) -> None:
    values = {"sts:sourceidentity": "alice"} if present else {}
    assert _truth({"Null": {"sts:SourceIdentity": policy_value}}, values) is expected


@pytest.mark.parametrize(
    ("op", "policy_values", "request_values", "expected"),
    [
        ("ForAnyValue:StringEquals", ["a", "b"], ["c", "b"], T),
        ("ForAnyValue:StringEquals", ["a", "b"], ["c", "d"], F),
        ("ForAllValues:StringEquals", ["a", "b"], ["a", "b"], T),
        ("ForAllValues:StringEquals", ["a", "b"], ["a", "c"], F),
        ("ForAllValues:StringEquals", ["a", "b"], [], T),  # an empty set: vacuously true
        ("ForAnyValue:StringEquals", ["a", "b"], [], F),
        ("ForAllValues:StringLike", ["team-*"], ["team-a", "team-b"], T),
        ("ForAnyValue:StringNotEquals", ["a"], ["a", "z"], T),
        ("ForAllValues:StringNotEquals", ["a"], ["a", "z"], F),
    ],
)
def test_set_operators(op: str, policy_values: list[str], request_values: list[str], expected: Truth) -> None:
    assert _truth({op: {"aws:TagKeys": policy_values}}, {"aws:tagkeys": request_values}) is expected


def test_blocks_and_keys_are_anded_values_ored() -> None:
    cond = {"StringEquals": {"ecs:container-name": ["app", "web"]}, "Bool": {"aws:SecureTransport": "true"}}
    assert _truth(cond, {"ecs:container-name": "web", "aws:securetransport": "true"}) is T
    assert _truth(cond, {"ecs:container-name": "web", "aws:securetransport": "false"}) is F
    assert _truth(cond, {"ecs:container-name": "envoy", "aws:securetransport": "true"}) is F


def test_policy_variable_in_a_value() -> None:
    cond = {"StringEquals": {"sts:SourceIdentity": "${aws:username}"}}
    assert _truth(cond, {"sts:sourceidentity": "alice", "aws:username": "alice"}) is T
    assert _truth(cond, {"sts:sourceidentity": "mallory", "aws:username": "alice"}) is F
    # a user name the request does not carry (a role session): the value cannot match
    assert _truth(cond, {"sts:sourceidentity": "alice"}) is F
    # unknown in a partial context: undecided
    assert _truth(cond, {"sts:sourceidentity": "alice"}, complete=False) is U


def test_partial_context_leaves_unnamed_keys_unknown() -> None:
    cond = {"StringEquals": {"ecs:container-name": "app"}}
    assert _truth(cond, {}, complete=False) is U
    assert _truth(cond, {"ecs:container-name": None}, complete=False) is F  # known absent
    assert _truth(cond, {}, complete=True) is F


def test_condition_keys_are_case_insensitive() -> None:
    assert (
        _truth({"Bool": {"ECS:Enable-Execute-Command": "true"}}, {"ecs:enable-execute-command": "true"}) is T
    )
    # JSON true in a policy is read as the text "true" (the guard may be written either way)
    from iampolicy import parse_policy

    p = parse_policy(
        {
            "Statement": [
                {"Effect": "Deny", "Action": "*", "Resource": "*", "Condition": {"Bool": {"k": True}}}
            ]
        }
    )
    assert p.statements[0].conditions == {"Bool": {"k": ("true",)}}
