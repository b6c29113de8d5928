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
- ``window_event_streams``: ``<exec-log-group-arn>:log-stream:<windows.events_stream_name>`` of each
  cluster (the ``log-stream`` resource type of CloudWatch Logs in the Service Authorization Reference).
- ``windowed_services`` / ``never_services`` / ``always_services``: ``service/<cluster>/*`` of the
  clusters in that exec mode; ``window_services`` / ``window_tasks``: services / tasks of the
  ``windowed`` and ``never`` clusters (where windows are opened, or closed by ``sweep``).

Conditions: ``in_env_clusters`` (``ArnEquals ecs:cluster`` = the environment's cluster ARNs),
``passed_to_scheduler`` (``StringEquals iam:PassedToService`` = ``scheduler.amazonaws.com``),
``exec_off`` (``StringEquals ecs:enable-execute-command`` = ``"false"``: the key is typed String),
``window_tag_keys`` (``ForAllValues:StringLike aws:TagKeys`` = ``ecs-exec:window-*`` and
``Null aws:TagKeys`` = ``false``: ``ForAllValues`` alone is true for a request without tag keys,
IAM User Guide, "Single-valued vs. multivalued condition keys"), ``window_update_request``
(``Null ecs:enable-execute-command`` = ``false`` and ``Null ecs:task-definition`` = ``true``: see
:data:`WINDOW_UPDATE_REQUIRED_KEYS`).

A role limits *itself* with these Allow statements (conditioned or scoped); the only Deny on
``ecs:enable-execute-command`` is the guard's, which lists every action that takes the key.
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
#: Denied by the key policy to all but ``exec_logging.kms.key_administrators``: without the key the
#: transcripts cannot be read (https://docs.aws.amazon.com/kms/latest/developerguide/deleting-keys.html).
KMS_KEY_ADMINISTRATOR_ACTIONS = ("kms:DisableKey", "kms:ScheduleKeyDeletion")
#: Denied by the transcript bucket's policy to all but ``access.auditors``: reading a transcript (the
#: audit reads the first version, s3:GetObjectVersion).
S3_TRANSCRIPT_READ_ACTIONS = ("s3:GetObject", "s3:GetObjectVersion")
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

#: Every ECS action that can start a task or service with exec on: the Service Authorization
#: Reference for Amazon ECS lists the condition key ``ecs:enable-execute-command`` on CreateService,
#: UpdateService, RunTask, StartTask, CreateDaemon and UpdateDaemon
#: (https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonelasticcontainerservice.html).
#: IAM accepts the daemon actions in a policy even where the Terraform provider does not model the API.
#: Denied when the key is ``"true"``. A Deny without ``IfExists`` lets a request that omits the
#: parameter through, which is right: absent means off.
GUARD_DENIED_ACTIONS = tuple(sorted(actions.ENABLE_EXECUTE_COMMAND_ACTIONS))
GUARD_CONDITION_KEY = actions.ENABLE_EXECUTE_COMMAND_KEY
#: The key is typed **String** in the Service Authorization Reference, so it is compared with a
#: String operator (``Bool`` is for Boolean-typed keys; IAM policy elements: condition operators,
#: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html).
GUARD_CONDITION_OPERATOR = "StringEquals"

# ---- exec-window role ----

#: Exactly the actions the window code calls (``reconciler.windows.PERMISSIONS``; a test fails in
#: either direction). Not granted: ``logs:GetLogEvents`` (transcripts are not the window's to read),
#: ``kms:Decrypt`` / ``kms:GenerateDataKey`` (``PutLogEvents`` into a KMS-encrypted group needs no
#: KMS permission of the caller: CloudWatch Logs uses the key as its service principal, "Encrypt log
#: data in CloudWatch Logs using AWS KMS",
#: https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/encrypt-log-data-kms.html), and
#: ``sts:GetCallerIdentity`` (needs no permission: STS API reference, GetCallerIdentity).
WINDOW_ROLE_STATEMENTS = (
    Statement(
        "ReadEnvironmentServicesAndTasks", ("ecs:DescribeServices", "ecs:DescribeTasks"), "env_ecs_resources"
    ),
    Statement("ListInEnvironmentClusters", ("ecs:ListServices", "ecs:ListTasks"), "any", "in_env_clusters"),
    # Turning exec on (and off) only where windows exist: the services of `windowed` clusters, and only
    # with a request that carries the exec flag and names no task definition (window_update_request).
    Statement(
        "OpenAndCloseWindowsInWindowedClusters",
        ("ecs:UpdateService",),
        "windowed_services",
        "window_update_request",
    ),
    # `sweep` turns exec off in `never` clusters: there only with ecs:enable-execute-command = "false".
    Statement("TurnExecOffInNeverClusters", ("ecs:UpdateService",), "never_services", "exec_off"),
    # Tags only with the window's own keys (aws:TagKeys: IAM condition keys, "Controlling access
    # based on tag keys"; ECS TagResource/UntagResource support it per the Service Authorization Reference).
    Statement(
        "WindowTagsOnly", ("ecs:TagResource", "ecs:UntagResource"), "window_services", "window_tag_keys"
    ),
    Statement("StopTasksThatStillAllowExec", ("ecs:StopTask",), "window_tasks"),
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
    Statement("PassSchedulerRole", ("iam:PassRole",), "scheduler_role", "passed_to_scheduler"),
    Statement("FindWindowEventsStream", ("logs:DescribeLogStreams",), "exec_log_groups"),
    # Writes only to the window-events stream of each exec log group, never into a transcript.
    Statement("WriteWindowEventsOnly", ("logs:CreateLogStream", "logs:PutLogEvents"), "window_event_streams"),
    # ---- `ecs-exec shell` (reconciler.windows.SHELL_PERMISSIONS) ----
    # The fast preflight's target and the transcript's destinations (executeCommandConfiguration).
    Statement("ReadEnvironmentClusters", ("ecs:DescribeClusters",), "env_ecs_resources"),
    # Neither action supports resource-level permissions (Service Authorization Reference for Amazon
    # ECS and for AWS Systems Manager): the containers to pick from, and other active exec sessions.
    Statement(
        "ReadTaskDefinitionsAndSessions", ("ecs:DescribeTaskDefinition", "ssm:DescribeSessions"), "any"
    ),
    # Twin mode: RunTask only the task-definition families of the windowed clusters' configured
    # services, only into those clusters; the task carries the window tags (ecs:CreateAction RunTask,
    # window tag keys only), and the only roles it may pass are those services' task and execution
    # roles (iam:PassedToService ecs-tasks): a taskRoleArn override naming any other role is refused.
    Statement("RunTwinTasks", ("ecs:RunTask",), "twin_task_definitions", "in_windowed_clusters"),
    Statement("TagTwinTasksAtLaunch", ("ecs:TagResource",), "windowed_tasks", "twin_launch_tags"),
    Statement("PassTwinTaskRoles", ("iam:PassRole",), "twin_pass_roles", "passed_to_ecs_tasks"),
)
WINDOW_ROLE_ACTIONS = _actions(WINDOW_ROLE_STATEMENTS)

# ---- EventBridge Scheduler role (closes windows at expiry) ----

#: On ``service/<cluster>/*`` of the environment's clusters, only with ``ecs:enable-execute-command = false``.
SCHEDULER_ROLE_ECS_ACTIONS = ("ecs:UpdateService",)
#: On the dead-letter queue.
SCHEDULER_ROLE_SQS_ACTIONS = ("sqs:SendMessage",)
#: A twin's stop schedule (``ecs-exec shell --mode twin``): only tasks tagged ``ecs-exec:window-id``.
SCHEDULER_ROLE_TWIN_ACTIONS = ("ecs:StopTask",)
SCHEDULER_TWIN_TAG_KEY = "ecs-exec:window-id"
SCHEDULER_ROLE_ACTIONS = frozenset(
    SCHEDULER_ROLE_ECS_ACTIONS + SCHEDULER_ROLE_SQS_ACTIONS + SCHEDULER_ROLE_TWIN_ACTIONS
)

# ---- nightly drift job ----

DRIFT_ROLE_STATEMENTS = (
    Statement(
        "ReadAndFixEnvironmentClusters",
        (
            "ecs:DescribeClusters",
            "ecs:DescribeServices",
            "ecs:DescribeTasks",
            "ecs:StopTask",
            "ecs:UpdateCluster",
        ),
        "env_ecs_resources",
    ),
    Statement("ListInEnvironmentClusters", ("ecs:ListServices", "ecs:ListTasks"), "any", "in_env_clusters"),
    # Exec may only be turned off, except in `always` clusters (where the desired state is on).
    Statement("TurnExecOffInWindowedAndNeverClusters", ("ecs:UpdateService",), "window_services", "exec_off"),
    Statement("KeepExecOnInAlwaysClusters", ("ecs:UpdateService",), "always_services"),
    Statement("RemoveWindowTagsOnly", ("ecs:UntagResource",), "window_services", "window_tag_keys"),
    Statement(
        "ReadAccountWide",
        ("ecs:ListClusters", "kms:ListAliases", "logs:DescribeLogGroups"),
        "any",
    ),
    Statement("ExecLogGroups", ("logs:DescribeLogStreams", "logs:PutRetentionPolicy"), "exec_log_groups"),
    # Closing a window records a `closed` event: writes only to the window-events stream.
    Statement("WriteWindowEventsOnly", ("logs:CreateLogStream", "logs:PutLogEvents"), "window_event_streams"),
    Statement("ReadExecKeys", ("kms:DescribeKey",), "kms_keys"),
    Statement(
        "ExpiredWindowSchedules", ("scheduler:DeleteSchedule", "scheduler:GetSchedule"), "window_schedules"
    ),
)
DRIFT_ROLE_ACTIONS = _actions(DRIFT_ROLE_STATEMENTS)

#: Resource scopes and conditions the statements may name (locals of ``modules/ecs-exec-access``).
SCOPES = frozenset(
    {
        "env_ecs_resources",
        "any",
        "exec_log_groups",
        "window_event_streams",
        "kms_keys",
        "window_schedules",
        "scheduler_role",
        "windowed_services",
        "never_services",
        "always_services",
        "window_services",
        "window_tasks",
        "twin_task_definitions",
        "windowed_tasks",
        "twin_pass_roles",
    }
)
#: Scopes that are empty when no cluster is in the exec mode they cover: a statement on one of them
#: is rendered only when its list is not empty (IAM refuses a statement without a resource).
OPTIONAL_SCOPES = frozenset(
    {
        "windowed_services",
        "never_services",
        "always_services",
        "window_services",
        "window_tasks",
        "twin_task_definitions",
        "windowed_tasks",
        "twin_pass_roles",
    }
)
CONDITIONS = frozenset(
    {
        "in_env_clusters",
        "passed_to_scheduler",
        "exec_off",
        "window_tag_keys",
        "in_windowed_clusters",
        "twin_launch_tags",
        "passed_to_ecs_tasks",
        "window_update_request",
    }
)

#: ``window_update_request``: the exec-window role's ``UpdateService`` in `windowed` clusters. Of the
#: condition keys the Service Authorization Reference lists for ``ecs:UpdateService``
#: (https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonelasticcontainerservice.html:
#: ecs:cluster, capacity-provider, enable-ebs-volumes, enable-execute-command, enable-service-connect,
#: namespace, task-definition, enable-vpc-lattice, enable-ecs-managed-tags, propagate-tags,
#: auto-assign-public-ip, subnet, task-cpu, task-memory) these two narrow the call to what the window
#: code sends (``UpdateService(cluster, service, enableExecuteCommand, forceNewDeployment)``,
#: ``reconciler.windows.aws.set_service_exec``): ``Null`` = ``"false"`` on the keys the request must
#: carry, ``"true"`` on those it must not. ``ecs:task-definition`` is the task definition the request
#: names (a family alone is resolved to its latest revision before authorization: ECS API Reference,
#: UpdateService); a request naming none cannot swap the service's task definition (and with it its
#: task role and image). No key exists for ``desiredCount``, deployment, load balancer or placement
#: settings: README, "Who is guarded", residual risk.
WINDOW_UPDATE_REQUIRED_KEYS = ("ecs:enable-execute-command",)
WINDOW_UPDATE_ABSENT_KEYS = ("ecs:task-definition",)
#: The ``UpdateService`` request parameter each of those keys is read from.
WINDOW_UPDATE_KEY_PARAMETERS = {
    "ecs:enable-execute-command": "enableExecuteCommand",
    "ecs:task-definition": "taskDefinition",
}
#: The prefix of every exec-window tag key (``reconciler.window_tags.TAG_PREFIX``): the only tag
#: keys the window and drift roles may set or remove (``aws:TagKeys``).
WINDOW_TAG_KEY_PATTERN = "ecs-exec:window-*"

# ---- service control policy (terraform/scp/<env>/, optional) ----

#: Denied on the exec-window, drift, scheduler and operator roles to everyone but the deployer: a
#: role that is exempt from the SCP (or trusted by the window role) cannot be made or changed by
#: anyone else, nor passed to a service (IAM actions: Service Authorization Reference for IAM).
SCP_PROTECTED_ROLE_ACTIONS = (
    "iam:AttachRolePolicy",
    "iam:CreateRole",
    "iam:DeleteRole",
    "iam:DeleteRolePermissionsBoundary",
    "iam:DeleteRolePolicy",
    "iam:DetachRolePolicy",
    "iam:PassRole",
    "iam:PutRolePermissionsBoundary",
    "iam:PutRolePolicy",
    "iam:TagRole",
    "iam:UntagRole",
    "iam:UpdateAssumeRolePolicy",
    "iam:UpdateRole",
)
#: Denied on the exec log groups (and their streams) to everyone but the deployer: deleting a transcript
#: stream or group, or shortening its retention, erases the record the audit reads (issue 12; IAM
#: actions: Service Authorization Reference for CloudWatch Logs).
SCP_PROTECTED_LOG_ACTIONS = ("logs:DeleteLogGroup", "logs:DeleteLogStream", "logs:PutRetentionPolicy")
#: Denied on the guard policy to everyone but the deployer.
SCP_PROTECTED_POLICY_ACTIONS = (
    "iam:CreatePolicyVersion",
    "iam:DeletePolicy",
    "iam:DeletePolicyVersion",
    "iam:SetDefaultPolicyVersion",
)
