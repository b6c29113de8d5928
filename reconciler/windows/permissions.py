"""IAM actions of each exec-window operation (the role's policy is rendered from :data:`PERMISSIONS`).

The caller's own STS actions are in :data:`reconciler.windows.identity.PERMISSIONS`; a test runs each
operation under botocore hooks and checks that every call it makes is declared here.
"""

from __future__ import annotations

_TWIN_READ = ("ecs:ListTasks", "ecs:DescribeTasks")
LIST_PERMISSIONS = ("ecs:ListServices", "ecs:DescribeServices", *_TWIN_READ)
_EVENT_PERMISSIONS = ("logs:DescribeLogStreams", "logs:CreateLogStream", "logs:PutLogEvents")
_TASK_PERMISSIONS = ("ecs:ListTasks", "ecs:DescribeTasks")
OPEN_PERMISSIONS = (
    "ecs:DescribeServices",
    "scheduler:CreateSchedule",
    "scheduler:GetSchedule",
    "scheduler:UpdateSchedule",
    "iam:PassRole",
    "ecs:TagResource",
    "ecs:UpdateService",
    *_EVENT_PERMISSIONS,
    *_TASK_PERMISSIONS,
)
EXTEND_PERMISSIONS = (
    "ecs:DescribeServices",
    "scheduler:GetSchedule",
    "scheduler:CreateSchedule",
    "scheduler:UpdateSchedule",
    "iam:PassRole",
    "ecs:TagResource",
    *_EVENT_PERMISSIONS,
)
CLOSE_PERMISSIONS = (
    "ecs:DescribeServices",
    *_TASK_PERMISSIONS,
    "scheduler:GetSchedule",
    "scheduler:DeleteSchedule",
    "ecs:UpdateService",
    "ecs:UntagResource",
    "ecs:StopTask",
    *_EVENT_PERMISSIONS,
)
SWEEP_PERMISSIONS = tuple(dict.fromkeys(LIST_PERMISSIONS + CLOSE_PERMISSIONS))
#: ``shell`` as the exec-window role: open (either mode), wait, decide on leave, close, find the transcript.
#: Its session (ECS ExecuteCommand) runs as the person: :data:`reconciler.windows.session.PERMISSIONS`.
SHELL_PERMISSIONS = tuple(
    dict.fromkeys(
        OPEN_PERMISSIONS
        + CLOSE_PERMISSIONS
        + (
            "ecs:DescribeClusters",  # the fast preflight's target, the transcript's destinations
            "ecs:DescribeTaskDefinition",  # the containers to pick from; what a twin runs
            "ecs:RunTask",  # twin mode only
            "ssm:DescribeSessions",  # close on leave: other active sessions
        )
    )
)
#: Everything the exec-window role does (the caller's own STS calls are in identity.PERMISSIONS).
PERMISSIONS = tuple(
    sorted(
        set(OPEN_PERMISSIONS + EXTEND_PERMISSIONS + CLOSE_PERMISSIONS + LIST_PERMISSIONS + SHELL_PERMISSIONS)
    )
)
