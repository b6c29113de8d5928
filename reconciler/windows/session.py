"""An ECS Exec session without the AWS CLI: ECS ``ExecuteCommand`` and the plugin's argv.

``aws ecs execute-command`` calls ECS ``ExecuteCommand`` and then runs ``session-manager-plugin`` with
six arguments (awscli ``customizations/ecs/executecommand.py``; ecsta does the same)::

    session-manager-plugin <JSON of the answer's "session"> <region> StartSession <profile or "">
                           <JSON {"Target": "ecs:<cluster>_<taskId>_<runtimeId>"}> <ECS endpoint URL>

The runtime id is the container's ``runtimeId`` from ECS ``DescribeTasks``. :func:`plugin_argv` builds
exactly that list; :mod:`reconciler.windows.plugin` runs it.
"""

from __future__ import annotations

import json
import os
import shlex
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ecs_exec.aws import ClientFactory
from ecs_exec.errors import AwsError

#: The plugin's program name, looked up on ``PATH`` as the AWS CLI does.
PLUGIN = "session-manager-plugin"
#: IAM actions of the caller's own credentials for a session (not of the exec-window role).
PERMISSIONS = ("ecs:ExecuteCommand", "ecs:DescribeTasks", "kms:GenerateDataKey")


@dataclass(frozen=True)
class ExecSession:
    """One ECS Exec session, as ECS ``ExecuteCommand`` answered it.

    Attributes:
        session: the answer's ``session`` (``sessionId``, ``streamUrl``, ``tokenValue``), passed to
            the plugin verbatim.
        target: the SSM target ``ecs:<cluster>_<taskId>_<runtimeId>``.
    """

    cluster: str
    task_arn: str
    container: str
    command: str
    session: Mapping[str, Any]
    target: str

    @property
    def session_id(self) -> str:
        """The SSM session id (the transcript's log stream / S3 object is named after it)."""
        return str(self.session.get("sessionId", ""))


def task_id(task_arn: str) -> str:
    """The task id: the last part of a task ARN (``.../task/<cluster>/<id>`` -> ``<id>``)."""
    return task_arn.rsplit("/", 1)[-1]


def ssm_target(cluster: str, task_arn: str, runtime_id: str) -> str:
    """The SSM target of a container: ``ecs:<cluster>_<taskId>_<runtimeId>`` (what the AWS CLI sends)."""
    return f"ecs:{cluster}_{task_id(task_arn)}_{runtime_id}"


def runtime_id(task: Mapping[str, Any], container: str) -> str | None:
    """``runtimeId`` of ``container`` in a ``DescribeTasks`` task, or None when ECS has none yet."""
    for c in task.get("containers", []):
        if c.get("name") == container and c.get("runtimeId"):
            return str(c["runtimeId"])
    return None


def describe_task(factory: ClientFactory, cluster: str, task_arn: str) -> dict[str, Any]:
    """ECS ``DescribeTasks`` of one task (the caller's credentials).

    Raises:
        AwsError: the task is gone (exit 5).
    """
    tasks = factory.client("ecs").describe_tasks(cluster=cluster, tasks=[task_arn]).get("tasks", [])
    if not tasks:
        raise AwsError(f"task {task_arn} is gone (ECS DescribeTasks does not know it)")
    return dict(tasks[0])


def execute_command(
    factory: ClientFactory, cluster: str, task_arn: str, container: str, command: str
) -> ExecSession:
    """ECS ``ExecuteCommand(interactive=True)`` as the caller, then ``DescribeTasks`` for the runtime id.

    Raises:
        AwsError: the container has no runtime id (not running) (exit 5).
        botocore ClientError: ExecuteCommand refused (access denied, agent not running) (exit 5).
    """
    answer = factory.client("ecs").execute_command(
        cluster=cluster, task=task_arn, container=container, command=command, interactive=True
    )
    runtime = runtime_id(describe_task(factory, cluster, task_arn), container)
    if runtime is None:
        raise AwsError(f"container {container} of task {task_arn} has no runtimeId: is it running?")
    cluster_name = str(answer.get("clusterArn", cluster)).rsplit("/", 1)[-1]
    return ExecSession(
        cluster=cluster_name,
        task_arn=str(answer.get("taskArn", task_arn)),
        container=str(answer.get("containerName", container)),
        command=command,
        session=dict(answer["session"]),
        target=ssm_target(cluster_name, str(answer.get("taskArn", task_arn)), runtime),
    )


def endpoint_of(factory: ClientFactory) -> tuple[str, str]:
    """``(region, endpoint URL)`` of the ECS client, as the AWS CLI reads them from ``client.meta``."""
    meta = factory.client("ecs").meta
    return str(meta.region_name), str(meta.endpoint_url)


def plugin_argv(
    plugin: str, session: ExecSession, region: str, endpoint: str, profile: str | None
) -> list[str]:
    """The plugin's command line, the AWS CLI's six arguments (see the module docstring)."""
    return [
        plugin,
        json.dumps(dict(session.session)),
        region,
        "StartSession",
        profile or "",
        json.dumps({"Target": session.target}),
        endpoint,
    ]


def current_profile() -> str:
    """The AWS named profile in use (``--profile`` sets ``$AWS_PROFILE``), ``""`` for none."""
    return os.environ.get("AWS_PROFILE", "")


def execute_command_line(cluster: str, task_arn: str, container: str, region: str, command: str) -> str:
    """The ``aws ecs execute-command`` line for the same session (``--print-command``)."""
    args = [
        "aws", "ecs", "execute-command", "--region", region, "--cluster", cluster, "--task",
        task_id(task_arn), "--container", container, "--interactive", "--command", command,
    ]  # fmt: skip
    return shlex.join(args)
