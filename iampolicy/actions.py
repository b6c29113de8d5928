"""The catalogue of IAM actions and condition keys this project names: AWS facts, defined once.

Sources: the Service Authorization Reference for ECS
(https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonelasticcontainerservice.html),
SSM Session Manager (``ssmmessages``, ``ssm:StartSession``), STS and CloudWatch Logs, and the ECS
Exec guide (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/ecs-exec.html).
What the rendered policies grant is built from these names in :mod:`generator.permissions`.
"""

from __future__ import annotations

# ---- ECS Exec itself ----

#: Open a shell in a container (on ``cluster/<c>`` and ``task/<c>/*``).
ECS_EXECUTE_COMMAND = "ecs:ExecuteCommand"
#: The four actions of the SSM agent's channels, needed by the *task* role (Resource ``*``).
SSM_CHANNEL_ACTIONS = (
    "ssmmessages:CreateControlChannel",
    "ssmmessages:CreateDataChannel",
    "ssmmessages:OpenControlChannel",
    "ssmmessages:OpenDataChannel",
)
#: An SSM session straight to an ECS task target (``ecs:<cluster>_<task>_<runtime>``): around ECS Exec.
SSM_START_SESSION = "ssm:StartSession"

# ---- turning exec on ----

#: The condition key (typed String) carrying the request's ``enableExecuteCommand``.
ENABLE_EXECUTE_COMMAND_KEY = "ecs:enable-execute-command"
#: Every action that takes :data:`ENABLE_EXECUTE_COMMAND_KEY`: a guard must deny all of them.
#: The two that start tasks (their resource is the task definition).
TASK_LAUNCH_ACTIONS = ("ecs:RunTask", "ecs:StartTask")
ENABLE_EXECUTE_COMMAND_ACTIONS = (
    "ecs:CreateService",
    "ecs:UpdateService",
    *TASK_LAUNCH_ACTIONS,
    "ecs:CreateDaemon",
    "ecs:UpdateDaemon",
)

# ---- condition keys of ECS Exec requests ----

#: The ECS cluster ARN of a request (``ExecuteCommand``, ``ListTasks``, ...).
ECS_CLUSTER_KEY = "ecs:cluster"
#: The container name of an ``ExecuteCommand``.
ECS_CONTAINER_NAME_KEY = "ecs:container-name"
#: The source identity a role session is asked to carry (``AssumeRole`` with ``SourceIdentity``).
STS_SOURCE_IDENTITY_KEY = "sts:SourceIdentity"

# ---- roles ----

#: Assume a role; with a source identity, ``sts:SetSourceIdentity`` is needed too (trust and caller).
STS_ASSUME_ROLE = "sts:AssumeRole"
STS_SET_SOURCE_IDENTITY = "sts:SetSourceIdentity"
STS_TAG_SESSION = "sts:TagSession"

# ---- reading transcripts ----

#: Read a CloudWatch transcript (a stream of the exec log group).
LOGS_READ_ACTIONS = ("logs:GetLogEvents", "logs:FilterLogEvents")
#: Read an S3 transcript object.
S3_READ_ACTIONS = ("s3:GetObject",)
#: Decrypt what the exec KMS key encrypted.
KMS_DECRYPT = "kms:Decrypt"
