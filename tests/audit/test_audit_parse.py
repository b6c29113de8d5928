"""CloudTrail record -> ExecSession, for each kind of caller the documentation describes."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from audit_records import TASK_ID, assumed_role, execute_command, iam_user, sso_user, start_session

from reconciler.audit.parse import RecordError, parse_ecs_target, parse_record


def test_iam_user() -> None:
    s = parse_record(json.dumps(execute_command(iam_user("alice"))))
    assert s is not None
    assert s.identity.type == "IAMUser"
    assert s.identity.user_name == "alice"
    assert s.identity.role_arn is None and s.identity.session_name is None
    assert s.identity.person == "alice"
    assert s.event_time == datetime(2026, 11, 30, 10, 0, tzinfo=UTC)
    assert (s.cluster, s.task, s.container, s.command, s.interactive) == (
        "payments",
        TASK_ID,
        "app",
        "/bin/sh",
        True,
    )
    assert s.session_id == "ecs-execute-command-0a1b2c3d4e5f60001"
    assert not s.failed


def test_assumed_role_without_source_identity() -> None:
    s = parse_record(execute_command(assumed_role(role="ops", session="botocore-session-1732960000")))
    assert s is not None
    ident = s.identity
    assert ident.type == "AssumedRole"
    assert ident.role_arn == "arn:aws:iam::123456789012:role/ops"
    assert ident.session_name == "botocore-session-1732960000"
    assert ident.source_identity is None
    assert ident.person == "botocore-session-1732960000"
    assert not ident.sso


def test_assumed_role_with_source_identity_names_the_person() -> None:
    s = parse_record(execute_command(assumed_role(session="aws-go-sdk-1732960000", source_identity="dave")))
    assert s is not None
    assert s.identity.source_identity == "dave"
    assert s.identity.person == "dave"


def test_federated_sso_user() -> None:
    s = parse_record(execute_command(sso_user("carol@example.com")))
    assert s is not None
    assert s.identity.sso
    assert s.identity.session_name == "carol@example.com"
    assert s.identity.role_arn is not None and s.identity.role_arn.endswith(
        "/AWSReservedSSO_PowerUser_0123456789abcdef"
    )
    assert s.identity.person == "carol@example.com"


def test_failed_call_keeps_error_code_and_has_no_session() -> None:
    s = parse_record(execute_command(iam_user("mallory"), error_code="AccessDenied"))
    assert s is not None
    assert s.failed and s.error_code == "AccessDenied"
    assert s.session_id is None
    assert s.cluster == "payments" and s.task == TASK_ID


def test_cluster_and_task_given_as_arns_become_names() -> None:
    rec = execute_command(
        iam_user(), cluster_as_arn=True, task=f"arn:aws:ecs:us-east-1:123456789012:task/payments/{TASK_ID}"
    )
    s = parse_record(rec)
    assert s is not None and (s.cluster, s.task) == ("payments", TASK_ID)


def test_start_session_on_ecs_target() -> None:
    s = parse_record(start_session(assumed_role(session="bob")))
    assert s is not None and s.is_ssm
    assert (s.cluster, s.task) == ("payments", TASK_ID)
    assert s.session_id == "bob-0a1b2c3d4e5f6a7b8"


def test_start_session_on_instance_is_not_ours() -> None:
    assert parse_record(start_session(iam_user(), target="i-0123456789abcdef0")) is None


def test_other_events_are_ignored() -> None:
    rec = execute_command(iam_user())
    rec["eventName"] = "DescribeTasks"
    assert parse_record(rec) is None


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        (f"ecs:my_cluster_{TASK_ID}_{TASK_ID}-123", ("my_cluster", TASK_ID, f"{TASK_ID}-123")),
        (
            "ecs:c_f639490e-6889-4900-af6c-f23bae2ac0ce_f639490e-6889-4900-af6c-f23bae2ac0ce-1",
            ("c", "f639490e-6889-4900-af6c-f23bae2ac0ce", "f639490e-6889-4900-af6c-f23bae2ac0ce-1"),
        ),
        ("ecs:nope", None),
        ("mi-0123456789abcdef0", None),
    ],
)
def test_ecs_target(target: str, expected: tuple[str, str, str] | None) -> None:
    assert parse_ecs_target(target) == expected


@pytest.mark.parametrize(
    "raw", ["not json", "[1, 2]", json.dumps({**execute_command(iam_user()), "eventTime": "yesterday"})]
)
def test_malformed_records_raise_record_error(raw: str) -> None:
    with pytest.raises(RecordError):
        parse_record(raw)
