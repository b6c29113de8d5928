"""The IAM that ``config/local.yaml`` renders, as AWS stores it after ``apply`` (every reference resolved).

The golden tests read the HCL; these read the policy documents back from IAM on the moto server
(the shared ``applied_local`` fixture), so a wrong ``for`` expression or scope in the module shows
up as a wrong ARN here. The promise suite over every environment is separate (issue 11).
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import unquote

import boto3
import pytest

from generator import permissions as P
from reconciler import windows

pytestmark = [pytest.mark.terraform, pytest.mark.slow]

ACCOUNT, REGION = "123456789012", "us-east-1"
ECS = f"arn:aws:ecs:{REGION}:{ACCOUNT}"
LOGS = f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:/ecs-exec/local"


def _doc(raw: Any) -> dict[str, Any]:
    """IAM returns documents URL-encoded (or, through boto3, already decoded)."""
    return raw if isinstance(raw, dict) else json.loads(unquote(raw))


@pytest.fixture(scope="module")
def iam(applied_local: Any) -> Any:
    return boto3.client("iam", region_name=REGION, **_client_kwargs(applied_local))


def _client_kwargs(applied_local: Any) -> dict[str, str]:
    return {
        "endpoint_url": applied_local.server.endpoint,
        "aws_access_key_id": "testing",
        "aws_secret_access_key": "testing",
    }


def _statements(iam: Any, role: str, policy: str) -> dict[str, dict[str, Any]]:
    doc = _doc(iam.get_role_policy(RoleName=role, PolicyName=policy)["PolicyDocument"])
    return {st["Sid"]: st for st in doc["Statement"]}


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def _actions(statements: dict[str, dict[str, Any]]) -> set[str]:
    return {a for st in statements.values() for a in _as_list(st["Action"])}


def test_window_role_grants_exactly_what_the_window_code_calls(iam: Any) -> None:
    sts = _statements(iam, "ecs-exec-window-local", "ecs-exec-window")
    assert _actions(sts) == set(windows.PERMISSIONS)
    assert all(st["Effect"] == "Allow" for st in sts.values())
    # No transcript reads, no KMS, anywhere in the policy.
    assert not any(a.startswith(("kms:", "logs:Get", "logs:Filter")) for a in _actions(sts))


def test_window_role_turns_exec_on_only_in_windowed_clusters(iam: Any) -> None:
    sts = _statements(iam, "ecs-exec-window-local", "ecs-exec-window")
    update = {sid: st for sid, st in sts.items() if "ecs:UpdateService" in _as_list(st["Action"])}
    assert set(update) == {"OpenAndCloseWindowsInWindowedClusters", "TurnExecOffInNeverClusters"}
    # demo-app is windowed, demo-batch never.
    assert _as_list(update["OpenAndCloseWindowsInWindowedClusters"]["Resource"]) == [
        f"{ECS}:service/demo-app/*"
    ]
    # Only a request that carries the exec flag and names no task definition: no swapping a windowed
    # service's task definition (its image, task role) through the window role.
    assert update["OpenAndCloseWindowsInWindowedClusters"]["Condition"] == {
        "Null": {"ecs:enable-execute-command": "false", "ecs:task-definition": "true"}
    }
    off = update["TurnExecOffInNeverClusters"]
    assert _as_list(off["Resource"]) == [f"{ECS}:service/demo-batch/*"]
    assert off["Condition"] == {"StringEquals": {"ecs:enable-execute-command": "false"}}


def test_window_role_tags_only_window_keys_and_writes_only_the_events_stream(iam: Any) -> None:
    sts = _statements(iam, "ecs-exec-window-local", "ecs-exec-window")
    tags = sts["WindowTagsOnly"]
    assert sorted(_as_list(tags["Action"])) == ["ecs:TagResource", "ecs:UntagResource"]
    assert tags["Condition"] == {
        "ForAllValues:StringLike": {"aws:TagKeys": ["ecs-exec:window-*"]},
        "Null": {"aws:TagKeys": "false"},
    }
    writes = {
        sid
        for sid, st in sts.items()
        if {"logs:PutLogEvents", "logs:CreateLogStream"} & set(_as_list(st["Action"]))
    }
    assert writes == {"WriteWindowEventsOnly"}
    assert sorted(_as_list(sts["WriteWindowEventsOnly"]["Resource"])) == [
        f"{LOGS}/demo-app:log-stream:exec-windows",
        f"{LOGS}/demo-batch:log-stream:exec-windows",
    ]


def test_drift_role_turns_exec_off_only_and_writes_only_the_events_stream(iam: Any) -> None:
    sts = _statements(iam, "ecs-exec-drift-local", "ecs-exec-drift")
    assert _actions(sts) == set(P.DRIFT_ROLE_ACTIONS)
    update = {sid: st for sid, st in sts.items() if "ecs:UpdateService" in _as_list(st["Action"])}
    # local has no `always` cluster: the unconditioned statement is left out, not rendered empty.
    assert set(update) == {"TurnExecOffInWindowedAndNeverClusters"}
    assert update["TurnExecOffInWindowedAndNeverClusters"]["Condition"] == {
        "StringEquals": {"ecs:enable-execute-command": "false"}
    }
    writes = {
        sid
        for sid, st in sts.items()
        if {"logs:PutLogEvents", "logs:CreateLogStream"} & set(_as_list(st["Action"]))
    }
    assert writes == {"WriteWindowEventsOnly"}
    assert all(
        r.endswith(":log-stream:exec-windows") for r in _as_list(sts["WriteWindowEventsOnly"]["Resource"])
    )
    untag = sts["RemoveWindowTagsOnly"]
    assert untag["Condition"]["ForAllValues:StringLike"] == {"aws:TagKeys": ["ecs-exec:window-*"]}


def test_guard_and_scheduler_use_a_string_operator(iam: Any) -> None:
    arn = f"arn:aws:iam::{ACCOUNT}:policy/ecs-exec-guard-local"
    version = iam.get_policy(PolicyArn=arn)["Policy"]["DefaultVersionId"]
    guard = _doc(iam.get_policy_version(PolicyArn=arn, VersionId=version)["PolicyVersion"]["Document"])
    (deny,) = guard["Statement"]
    assert deny["Effect"] == "Deny"
    assert sorted(deny["Action"]) == sorted(P.GUARD_DENIED_ACTIONS)
    assert {"ecs:StartTask", "ecs:CreateDaemon", "ecs:UpdateDaemon"} <= set(deny["Action"])
    assert deny["Condition"] == {"StringEquals": {"ecs:enable-execute-command": "true"}}
    sched = _statements(iam, "ecs-exec-window-scheduler-local", "ecs-exec-window-scheduler")
    assert sched["TurnExecOffInEnvironmentClusters"]["Condition"] == {
        "StringEquals": {"ecs:enable-execute-command": "false"}
    }


def test_local_trusts_bind_the_caller(iam: Any) -> None:
    """local names no principals: the account root, bound to IAM users naming themselves."""
    bound = {
        "Effect": "Allow",
        "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"},
        "Action": ["sts:AssumeRole", "sts:SetSourceIdentity"],
        "Condition": {"StringEquals": {"sts:SourceIdentity": "${aws:username}"}},
    }
    for role in ("ecs-exec-operator-local", "ecs-exec-drift-local"):
        (st,) = _doc(iam.get_role(RoleName=role)["Role"]["AssumeRolePolicyDocument"])["Statement"]
        assert {k: v for k, v in st.items() if k != "Sid"} == bound, role
    (window,) = _doc(iam.get_role(RoleName="ecs-exec-window-local")["Role"]["AssumeRolePolicyDocument"])[
        "Statement"
    ]
    assert window["Principal"] == {"AWS": [f"arn:aws:iam::{ACCOUNT}:role/ecs-exec-operator-local"]}
    assert window["Condition"] == {"Null": {"sts:SourceIdentity": "false"}}


def test_dead_letter_alarm_notifies_the_rendered_topic(applied_local: Any) -> None:
    kwargs = _client_kwargs(applied_local)
    (alarm,) = boto3.client("cloudwatch", region_name=REGION, **kwargs).describe_alarms(
        AlarmNames=["ecs-exec-windows-dlq-local-not-empty"]
    )["MetricAlarms"]
    assert (alarm["Namespace"], alarm["MetricName"]) == ("AWS/SQS", "ApproximateNumberOfMessagesVisible")
    assert alarm["Dimensions"] == [{"Name": "QueueName", "Value": "ecs-exec-windows-dlq-local"}]
    assert (alarm["ComparisonOperator"], alarm["Threshold"]) == ("GreaterThanThreshold", 0.0)
    topic = f"arn:aws:sns:{REGION}:{ACCOUNT}:ecs-exec-windows-dlq-local-alarm"
    assert alarm["AlarmActions"] == [topic] and alarm["ActionsEnabled"]
    attrs = boto3.client("sns", region_name=REGION, **kwargs).get_topic_attributes(TopicArn=topic)[
        "Attributes"
    ]
    assert attrs["KmsMasterKeyId"].startswith(f"arn:aws:kms:{REGION}:{ACCOUNT}:key/")
