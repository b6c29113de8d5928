"""Which container, task and command a shell opens in. Pure: no AWS calls, no terminal.

- container: ``--container``, else the first of the config's ``containers`` for the service that the
  task definition has, else its only or first essential container; an unknown name is exit 4
  listing the valid ones (checked against the task definition before any AWS change);
- task: ``--task`` (id or ARN) among the tasks that qualify, else the newest (the CLI asks on a
  terminal when several qualify);
- command: ``--command``, default ``/bin/sh``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ecs_exec.errors import InvalidValueError, NotFoundError

DEFAULT_COMMAND = "/bin/sh"


@dataclass(frozen=True)
class ContainerDef:
    """A container of a task definition (``containerDefinitions[]``): what the shell and twin need."""

    name: str
    essential: bool = True
    entry_point: tuple[str, ...] = ()
    command: tuple[str, ...] = ()

    @classmethod
    def of(cls, raw: Mapping[str, Any]) -> ContainerDef:
        """From a ``DescribeTaskDefinition`` container definition (``essential`` defaults to true)."""
        return cls(
            name=str(raw["name"]),
            essential=bool(raw.get("essential", True)),
            entry_point=tuple(str(a) for a in raw.get("entryPoint") or ()),
            command=tuple(str(a) for a in raw.get("command") or ()),
        )


def pick_container(
    defs: Sequence[ContainerDef], wanted: str | None, configured: Sequence[str], task_definition: str
) -> ContainerDef:
    """The container to open the shell in (see the module docstring).

    Raises:
        NotFoundError: ``wanted`` is not a container of the task definition (exit 4, lists the valid ones).
        InvalidValueError: the task definition has no containers (exit 4).
    """
    if not defs:
        raise InvalidValueError(f"task definition {task_definition} has no containers")
    by_name = {d.name: d for d in defs}
    if wanted is not None:
        if wanted not in by_name:
            raise NotFoundError(
                f"--container: {wanted!r} is not a container of {task_definition} "
                f"(valid: {', '.join(by_name)})"
            )
        return by_name[wanted]
    for name in configured:
        if name in by_name:
            return by_name[name]
    return next((d for d in defs if d.essential), defs[0])


@dataclass(frozen=True)
class ShellTask:
    """A task a shell may open in: RUNNING, exec enabled, the ExecuteCommandAgent RUNNING.

    Attributes:
        started_at: ``startedAt`` as ISO text (sorts like time), ``""`` when unknown.
        runtime_ids: container name -> ``runtimeId``.
    """

    task_arn: str
    started_at: str
    runtime_ids: Mapping[str, str]

    @property
    def task_id(self) -> str:
        return self.task_arn.rsplit("/", 1)[-1]


def qualifying(raw_tasks: Sequence[Mapping[str, Any]], container: str) -> list[ShellTask]:
    """The ``DescribeTasks`` tasks a shell in ``container`` can open in, newest first.

    A task qualifies when it is RUNNING with ``enableExecuteCommand`` and ``container``'s
    ``ExecuteCommandAgent`` is RUNNING (ECS Exec's own preconditions).
    """
    found: list[ShellTask] = []
    for task in raw_tasks:
        if task.get("lastStatus") != "RUNNING" or not task.get("enableExecuteCommand"):
            continue
        runtime = {str(c["name"]): str(c.get("runtimeId", "")) for c in task.get("containers", [])}
        target = next((c for c in task.get("containers", []) if c.get("name") == container), None)
        if target is None:
            continue
        agents = [a for a in target.get("managedAgents", []) if a.get("name") == "ExecuteCommandAgent"]
        if not agents or agents[0].get("lastStatus") != "RUNNING":
            continue
        found.append(ShellTask(str(task["taskArn"]), str(task.get("startedAt") or ""), runtime))
    return sorted(found, key=lambda t: t.started_at, reverse=True)


def pick_task(tasks: Sequence[ShellTask], wanted: str | None) -> ShellTask | None:
    """``--task`` (id or ARN) among ``tasks``, else the newest; None when none qualifies.

    Raises:
        NotFoundError: ``wanted`` is not among ``tasks`` (exit 4, lists the ones that are).
    """
    if wanted is None:
        return tasks[0] if tasks else None
    wanted_id = wanted.rsplit("/", 1)[-1]
    for task in tasks:
        if task.task_id == wanted_id:
            return task
    valid = ", ".join(t.task_id for t in tasks) or "none yet"
    raise NotFoundError(f"--task: {wanted!r} is not a running task with exec on (qualifying: {valid})")


def check_command(command: str | None) -> str:
    """``--command`` (default ``/bin/sh``).

    Raises:
        InvalidValueError: blank (exit 4).
    """
    if command is None:
        return DEFAULT_COMMAND
    if not command.strip():
        raise InvalidValueError("--command: must not be blank (default /bin/sh)")
    return command
