"""botocore hooks that answer what moto lacks, on real clients talking to the moto server.

moto implements neither ECS ``ExecuteCommand`` nor SSM ``DescribeSessions``, and its ``DescribeTasks``
has no ``enableExecuteCommand`` / ``managedAgents`` / ``runtimeId``. :func:`install` registers, on every
boto3 session created afterwards (the ``ecs-exec`` subprocess's too, through ``sitecustomize``):

- ``after-call.ecs.DescribeTasks``: a task has exec on when ECS would have started it with exec on
  here: a task of a deployment (``startedBy`` = ``ecs-svc/...``, started after the window opened) or a
  twin (``group`` = ``ecs-exec:<service>``); such tasks get a RUNNING ``ExecuteCommandAgent``; every
  container gets a ``runtimeId``;
- ``before-call.ecs.ExecuteCommand``: the answer ECS gives (a ``session`` with id, stream URL, token),
  and the request recorded as one JSON line in ``$SHELL_HOOKS_LOG``;
- ``before-call.ssm.DescribeSessions``: the sessions listed in the JSON file ``$SHELL_HOOKS_SESSIONS``
  (none when unset), filtered on ``State``.
"""

from __future__ import annotations

import itertools
import json
import os
from pathlib import Path
from typing import Any

from botocore.awsrequest import AWSResponse

_counter = itertools.count(1)


def _exec_on(task: dict[str, Any]) -> bool:
    return str(task.get("startedBy", "")).startswith("ecs-svc/") or str(task.get("group", "")).startswith(
        "ecs-exec:"
    )


def describe_tasks(parsed: dict[str, Any], **_: Any) -> None:
    for task in parsed.get("tasks", []):
        on = _exec_on(task)
        task["enableExecuteCommand"] = on
        task_id = str(task["taskArn"]).rsplit("/", 1)[-1]
        for i, container in enumerate(task.get("containers", [])):
            container.setdefault("runtimeId", f"{task_id}-{i}")
            if on:
                container["managedAgents"] = [{"name": "ExecuteCommandAgent", "lastStatus": "RUNNING"}]


def _answer(body: dict[str, Any]) -> tuple[AWSResponse, dict[str, Any]]:
    return AWSResponse("https://hooked.invalid/", 200, {}, None), {
        **body,
        "ResponseMetadata": {"HTTPStatusCode": 200},
    }


def execute_command(params: dict[str, Any], **_: Any) -> tuple[AWSResponse, dict[str, Any]]:
    request = json.loads(params["body"])
    log = os.environ.get("SHELL_HOOKS_LOG")
    if log:
        with open(log, "a", encoding="utf-8") as fh:
            fh.write(json.dumps({"operation": "ExecuteCommand", **request}) + "\n")
    cluster = str(request["cluster"])
    cluster_arn = (
        cluster if cluster.startswith("arn:") else f"arn:aws:ecs:us-east-1:123456789012:cluster/{cluster}"
    )
    task = str(request["task"])
    session_id = f"ecs-execute-command-{os.getpid()}-{next(_counter)}"
    return _answer(
        {
            "clusterArn": cluster_arn,
            "containerArn": f"arn:aws:ecs:us-east-1:123456789012:container/{cluster}/x/{request['container']}",
            "containerName": request["container"],
            "interactive": True,
            "taskArn": task,
            "session": {
                "sessionId": session_id,
                "streamUrl": f"wss://ssmmessages.us-east-1.amazonaws.com/v1/data-channel/{session_id}",
                "tokenValue": "token-" + session_id,
            },
        }
    )


def describe_sessions(params: dict[str, Any], **_: Any) -> tuple[AWSResponse, dict[str, Any]]:
    request = json.loads(params["body"])
    path = os.environ.get("SHELL_HOOKS_SESSIONS")
    sessions = json.loads(Path(path).read_text(encoding="utf-8")) if path and os.path.exists(path) else []
    state = request.get("State")
    wanted = [s for s in sessions if state != "Active" or s.get("Status") in ("Connected", "Connecting")]
    return _answer({"Sessions": wanted})


HOOKS = (
    ("after-call.ecs.DescribeTasks", describe_tasks),
    ("before-call.ecs.ExecuteCommand", execute_command),
    ("before-call.ssm.DescribeSessions", describe_sessions),
)


def register(session: Any) -> None:
    """Register :data:`HOOKS` on a boto3 (or botocore) session."""
    events = session.events
    for event, handler in HOOKS:
        events.register(event, handler)


def install() -> None:
    """Register :data:`HOOKS` on every boto3 session created from now on (this process only)."""
    import boto3.session

    original = boto3.session.Session.__init__
    if getattr(original, "_shell_hooks", False):
        return

    def init(self: Any, *args: Any, **kwargs: Any) -> None:
        original(self, *args, **kwargs)
        register(self)

    init._shell_hooks = True  # type: ignore[attr-defined]
    boto3.session.Session.__init__ = init  # type: ignore[method-assign]
