"""The promise questions (iampolicy/questions.py) on small policies: each request carries the keys
the Service Authorization Reference lists for it, and nothing else."""

from __future__ import annotations

from typing import Any

from iampolicy import Decision, Principal, parse_policy, questions

CLUSTER = "arn:aws:ecs:eu-west-1:111122223333:cluster/payments"
ROLE = "arn:aws:iam::111122223333:role/x"


def _p(*statements: dict[str, Any], kind: str = "role", name: str = "x") -> Principal:
    doc = parse_policy({"Version": "2012-10-17", "Statement": list(statements)}, "p")
    arn = ROLE if kind == "role" else f"arn:aws:iam::111122223333:user/{name}"
    return Principal(name, arn, kind, (doc,))


def test_execute_command_needs_the_cluster_and_the_task() -> None:
    task_only = _p(
        {"Effect": "Allow", "Action": "ecs:ExecuteCommand", "Resource": "arn:aws:ecs:*:*:task/payments/*"}
    )
    assert questions.execute_command(task_only, CLUSTER, "app") is Decision.NOT_ALLOWED
    both = _p(
        {
            "Effect": "Allow",
            "Action": "ecs:ExecuteCommand",
            "Resource": [CLUSTER, "arn:aws:ecs:*:*:task/payments/*"],
        }
    )
    assert questions.execute_command(both, CLUSTER, "app") is Decision.ALLOWED


def test_execute_command_narrowed_to_a_container() -> None:
    p = _p(
        {
            "Effect": "Allow",
            "Action": "ecs:ExecuteCommand",
            "Resource": "*",
            "Condition": {"StringEquals": {"ecs:container-name": "app"}},
        }
    )
    assert questions.execute_command(p, CLUSTER, "app") is Decision.ALLOWED
    assert questions.execute_command(p, CLUSTER, "envoy") is Decision.NOT_ALLOWED


def test_turn_exec_on_per_action_and_guard_operator() -> None:
    allow = {"Effect": "Allow", "Action": "ecs:*", "Resource": "*"}
    bool_guard = {
        "Effect": "Deny",
        "Action": ["ecs:RunTask"],
        "Resource": "*",
        "Condition": {"Bool": {"ecs:enable-execute-command": "true"}},
    }
    p = _p(allow, bool_guard)
    assert questions.turn_exec_on(p, CLUSTER, "api", "ecs:RunTask") is Decision.DENIED
    assert questions.turn_exec_on(p, CLUSTER, "api", "ecs:StartTask") is Decision.ALLOWED
    assert questions.turn_exec_on_any(p, CLUSTER, "api") is Decision.ALLOWED


def test_start_session_on_a_task_target() -> None:
    p = _p(
        {"Effect": "Allow", "Action": "ssm:StartSession", "Resource": "*"},
        {"Effect": "Deny", "Action": "ssm:StartSession", "Resource": "arn:aws:ecs:*:*:task/*"},
    )
    assert questions.start_session_on_task(p, CLUSTER) is Decision.DENIED


def test_a_users_name_fills_policy_variables() -> None:
    statement = {
        "Effect": "Allow",
        "Action": "logs:GetLogEvents",
        "Resource": "arn:aws:logs:*:*:log-group:/ecs-exec/stg/${aws:username}:*",
    }
    group = "arn:aws:logs:eu-west-1:111122223333:log-group:/ecs-exec/stg/payments"
    assert questions.read_transcripts(_p(statement, kind="user", name="payments"), group) is Decision.ALLOWED
    assert questions.read_transcripts(_p(statement, kind="user", name="alice"), group) is Decision.NOT_ALLOWED
    assert questions.read_transcripts(_p(statement), group) is Decision.NOT_ALLOWED  # a role has no user name


def test_s3_transcripts_need_the_object_and_the_key() -> None:
    key = "arn:aws:kms:eu-west-1:111122223333:key/k"
    group = "arn:aws:logs:eu-west-1:111122223333:log-group:/ecs-exec/stg/payments"
    get = {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}
    decrypt = {"Effect": "Allow", "Action": "kms:Decrypt", "Resource": key}
    ask = {"bucket": "b", "key_prefix": "exec/", "kms_key_arn": key}
    assert questions.read_transcripts(_p(get), group, **ask) is Decision.NOT_ALLOWED
    assert questions.read_transcripts(_p(get, decrypt), group, **ask) is Decision.ALLOWED
