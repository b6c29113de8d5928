"""IAM action lists the rendered policies grant or deny, defined once.

The templates render these tuples into the modules' policies, and the Python side reads the same
constants: the reconciler's tests check that every API its units call (their ``PERMISSIONS``) is
covered by :data:`DRIFT_ROLE_ACTIONS`, the exec-window tests check :data:`WINDOW_ROLE_ACTIONS`.

Statements of the exec-window and drift roles are data (:class:`Statement`): each names the
Terraform ``local`` of ``modules/ecs-exec-access`` holding its resources (``scope``) and, where
one applies, its condition (``condition``). The scopes, as rendered:

- ``env_ecs_resources``: the environment's cluster ARNs, ``service/<cluster>/*`` and ``task/<cluster>/*``.
- ``any``: ``"*"`` (list/describe actions with no resource-level permissions).
- ``exec_log_groups``: each exec log group ARN and ``<arn>:*`` (its streams).
- ``kms_keys``: the exec KMS key ARNs.
- ``window_schedules``: ``schedule/<schedule group>/*``.
- ``scheduler_role``: the EventBridge Scheduler role ARN.

Conditions: ``in_env_clusters`` (``ArnEquals ecs:cluster`` = the environment's cluster ARNs),
``passed_to_scheduler`` (``StringEquals iam:PassedToService`` = ``scheduler.amazonaws.com``).
"""

from __future__ import annotations

from dataclasses import dataclass

from iampolicy import actions


@dataclass(frozen=True)
class Statement:
    """One Allow statement: ``sid``, sorted ``actions``, the resource ``scope`` and optional ``condition``
    (names of locals in ``modules/ecs-exec-access``, see the module docstring)."""

    sid: str
    actions: tuple[str, ...]
    scope: str
    condition: str | None = None


def _actions(statements: tuple[Statement, ...]) -> frozenset[str]:
    return frozenset(a for st in statements for a in st.actions)


# ---- task role (one policy per cluster, attached to each service's task role) ----

#: The SSM agent's channels (Resource ``*``: the channels have no ARN).
TASK_ROLE_SSM_ACTIONS = actions.SSM_CHANNEL_ACTIONS  # the one catalogue of IAM actions
#: A list action: must be on ``*`` (scoped to the group the agent refuses the session).
TASK_ROLE_LOGS_LIST_ACTIONS = ("logs:DescribeLogGroups",)
#: On ``<exec-log-group-arn>:*`` only.
TASK_ROLE_LOGS_WRITE_ACTIONS = ("logs:CreateLogStream", "logs:DescribeLogStreams", "logs:PutLogEvents")
#: Denied on ``<exec-log-group-arn>:log-stream:<windows.events_stream_name>``: code in a container
#: must not forge the exec-window events that ``ecs-exec audit`` reads (the Allow above covers the
#: whole group, as the SSM agent names its session streams itself).
TASK_ROLE_LOGS_DENIED_EVENTS_ACTIONS = ("logs:CreateLogStream", "logs:PutLogEvents")
#: On ``<bucket-arn>/<key-prefix>*`` when S3 logging is configured.
TASK_ROLE_S3_OBJECT_ACTIONS = ("s3:PutObject",)
#: On the bucket ARN when S3 logging is configured.
TASK_ROLE_S3_BUCKET_ACTIONS = ("s3:GetEncryptionConfiguration",)
#: On the exec KMS key: decrypt the session data key.
TASK_ROLE_KMS_ACTIONS = ("kms:Decrypt",)
#: On the exec KMS key when the bucket is SSE-KMS (else transcript uploads fail silently).
TASK_ROLE_KMS_S3_ACTIONS = ("kms:GenerateDataKey",)

#: What the CloudWatch Logs service principal may do with the exec key (key policy, limited by the
#: ``kms:EncryptionContext:aws:logs:arn`` condition to the cluster's exec log group).
KMS_LOGS_SERVICE_ACTIONS = (
    "kms:Decrypt*",
    "kms:Describe*",
    "kms:Encrypt*",
    "kms:GenerateDataKey*",
    "kms:ReEncrypt*",
)

TASK_ROLE_ACTIONS = frozenset(
    TASK_ROLE_SSM_ACTIONS
    + TASK_ROLE_LOGS_LIST_ACTIONS
    + TASK_ROLE_LOGS_WRITE_ACTIONS
    + TASK_ROLE_S3_OBJECT_ACTIONS
    + TASK_ROLE_S3_BUCKET_ACTIONS
    + TASK_ROLE_KMS_ACTIONS
    + TASK_ROLE_KMS_S3_ACTIONS
)

# ---- operator roles (people who may open a shell) ----

#: Trust policy actions of operator roles (and of the exec-window role); a source identity is required.
TRUST_ACTIONS = ("sts:AssumeRole", "sts:SetSourceIdentity")
#: On ``cluster/<c>`` and ``task/<c>/*``, narrowed by ``ecs:container-name`` when containers are named.
OPERATOR_EXEC_ACTIONS = ("ecs:ExecuteCommand",)
#: Find the task to exec into (``ListTasks`` with the ``ecs:cluster`` condition).
OPERATOR_DESCRIBE_ACTIONS = ("ecs:DescribeTasks",)
OPERATOR_LIST_ACTIONS = ("ecs:ListTasks",)
#: On the exec keys of the operator's clusters: encrypt the session.
OPERATOR_KMS_ACTIONS = ("kms:GenerateDataKey",)
#: Explicitly denied on ``arn:<partition>:ecs:*:*:task/*``: SSM sessions to ECS targets bypass ECS Exec's controls.
OPERATOR_DENIED_ACTIONS = ("ssm:StartSession",)
#: On the exec-window role: operators open windows through it, keeping their source identity.
OPERATOR_ASSUME_WINDOW_ACTIONS = ("sts:AssumeRole", "sts:SetSourceIdentity", "sts:TagSession")

OPERATOR_ACTIONS = frozenset(
    OPERATOR_EXEC_ACTIONS
    + OPERATOR_DESCRIBE_ACTIONS
    + OPERATOR_LIST_ACTIONS
    + OPERATOR_KMS_ACTIONS
    + OPERATOR_ASSUME_WINDOW_ACTIONS
)

# ---- guard policy: only the exec-window role may turn exec on ----

#: Denied when ``ecs:enable-execute-command`` is ``true`` (Bool condition).
GUARD_DENIED_ACTIONS = ("ecs:CreateService", "ecs:RunTask", "ecs:UpdateService")
GUARD_CONDITION_KEY = "ecs:enable-execute-command"

# ---- exec-window role ----

WINDOW_ROLE_STATEMENTS = (
    Statement(
        "EcsInEnvironmentClusters",
        (
            "ecs:DescribeClusters",
            "ecs:DescribeServices",
            "ecs:DescribeTasks",
            "ecs:ListTagsForResource",
            "ecs:StopTask",
            "ecs:TagResource",
            "ecs:UntagResource",
            "ecs:UpdateService",
        ),
        "env_ecs_resources",
    ),
    Statement("ListInEnvironmentClusters", ("ecs:ListServices", "ecs:ListTasks"), "any", "in_env_clusters"),
    Statement(
        "WindowSchedules",
        (
            "scheduler:CreateSchedule",
            "scheduler:DeleteSchedule",
            "scheduler:GetSchedule",
            "scheduler:UpdateSchedule",
        ),
        "window_schedules",
    ),
    Statement("ListSchedules", ("scheduler:ListSchedules",), "any"),
    Statement("PassSchedulerRole", ("iam:PassRole",), "scheduler_role", "passed_to_scheduler"),
    Statement(
        "WindowEventsInExecLogGroups",
        ("logs:CreateLogStream", "logs:DescribeLogStreams", "logs:GetLogEvents", "logs:PutLogEvents"),
        "exec_log_groups",
    ),
    Statement("ExecKeys", ("kms:Decrypt", "kms:GenerateDataKey"), "kms_keys"),
    Statement("WhoAmI", ("sts:GetCallerIdentity",), "any"),
)
WINDOW_ROLE_ACTIONS = _actions(WINDOW_ROLE_STATEMENTS)

# ---- EventBridge Scheduler role (closes windows at expiry) ----

#: On ``service/<cluster>/*`` of the environment's clusters, only with ``ecs:enable-execute-command = false``.
SCHEDULER_ROLE_ECS_ACTIONS = ("ecs:UpdateService",)
#: On the dead-letter queue.
SCHEDULER_ROLE_SQS_ACTIONS = ("sqs:SendMessage",)
SCHEDULER_ROLE_ACTIONS = frozenset(SCHEDULER_ROLE_ECS_ACTIONS + SCHEDULER_ROLE_SQS_ACTIONS)

# ---- nightly drift job ----

DRIFT_ROLE_STATEMENTS = (
    Statement(
        "ReadAndFixEnvironmentClusters",
        (
            "ecs:DescribeClusters",
            "ecs:DescribeServices",
            "ecs:DescribeTasks",
            "ecs:StopTask",
            "ecs:UntagResource",
            "ecs:UpdateCluster",
            "ecs:UpdateService",
        ),
        "env_ecs_resources",
    ),
    Statement("ListInEnvironmentClusters", ("ecs:ListServices", "ecs:ListTasks"), "any", "in_env_clusters"),
    Statement(
        "ReadAccountWide",
        ("ecs:ListClusters", "kms:ListAliases", "logs:DescribeLogGroups"),
        "any",
    ),
    Statement(
        "ExecLogGroups",
        (
            "logs:CreateLogStream",
            "logs:DescribeLogStreams",
            "logs:PutLogEvents",
            "logs:PutRetentionPolicy",
        ),
        "exec_log_groups",
    ),
    Statement("ReadExecKeys", ("kms:DescribeKey",), "kms_keys"),
    Statement(
        "ExpiredWindowSchedules", ("scheduler:DeleteSchedule", "scheduler:GetSchedule"), "window_schedules"
    ),
)
DRIFT_ROLE_ACTIONS = _actions(DRIFT_ROLE_STATEMENTS)

#: Resource scopes and conditions the statements may name (locals of ``modules/ecs-exec-access``).
SCOPES = frozenset(
    {"env_ecs_resources", "any", "exec_log_groups", "kms_keys", "window_schedules", "scheduler_role"}
)
CONDITIONS = frozenset({"in_env_clusters", "passed_to_scheduler"})
