"""Launchers: resources that start ECS tasks on their own (EventBridge rule targets, EventBridge
Scheduler schedules, EventBridge Pipes, Step Functions state machines, AWS Batch job definitions), and whether they
hard-code ECS Exec on.

Where each one carries the flag:

- ``aws_cloudwatch_event_target``: ``ecs_target.enable_execute_command`` (EventBridge ``EcsParameters``
  ``EnableExecuteCommand``);
- ``aws_scheduler_schedule``: ``target.ecs_parameters.enable_execute_command``, and ``EnableExecuteCommand``
  in the ``input`` of a universal target calling ECS (``arn:aws:scheduler:::aws-sdk:ecs:runTask``,
  ``...:ecs:updateService``: EventBridge Scheduler User Guide, "Using universal targets";
  the ``input`` is the API request);
- ``aws_pipes_pipe``: ``target_parameters.ecs_task_parameters.enable_execute_command`` (EventBridge Pipes);
- ``aws_sfn_state_machine``: ``EnableExecuteCommand`` in the ``Parameters`` (or JSONata
  ``Arguments``) of a ``Task`` state calling ECS (``arn:aws:states:::ecs:runTask``, ``.sync``,
  ``arn:aws:states:::aws-sdk:ecs:...``) of the ``definition`` (``jsonencode`` or a JSON heredoc;
  ``EnableExecuteCommand.$`` is a path read at run time), in ``Parallel`` branches and ``Map``
  iterators too; a ``Pass`` state's ``Result`` or another service's task launches nothing
  (Amazon States Language, https://states-language.net/spec.html);
- ``aws_batch_job_definition``: ``taskProperties[].enableExecuteCommand`` of ``ecs_properties``.
"""

from __future__ import annotations

import json
import re
from typing import Any

from exec_checks.values import as_bool, attr, blocks, is_unknown, unrendered_jsonencode, unwrap

_KEY = "enableexecutecommand"
_LITERAL_ON = re.compile(r'enableexecutecommand"?\s*[:=]\s*"?true\b', re.IGNORECASE)


def _flags_in(value: Any) -> list[bool | None]:
    """Every ``EnableExecuteCommand`` (any case; ``...$`` paths as unknown) inside a parsed JSON value."""
    out: list[bool | None] = []
    if isinstance(value, dict):
        for key, item in value.items():
            name = str(key).lower()
            if name == _KEY:
                out.append(as_bool(item) if not is_unknown(item) else None)
            elif name == _KEY + ".$":
                out.append(None)
            else:
                out += _flags_in(item)
    elif isinstance(value, list):
        for item in value:
            out += _flags_in(item)
    return out


def json_exec_flags(value: Any) -> list[bool | None]:
    """The exec flags of a JSON document attribute (a ``jsonencode``'d or heredoc value as checkov
    renders it: a dict, or a string). A document that cannot be parsed: True when it spells the flag
    as a literal ``true``, else None when it mentions the flag or is not literal, else no flag."""
    value = unrendered_jsonencode(unwrap(value))
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            if _LITERAL_ON.search(value):
                return [True]
            return [None] if _KEY in value.lower() or is_unknown(value) else []
    return _flags_in(value)


_ECS_SCHEDULER_TARGET = re.compile(r"^arn:[^:]+:scheduler:::aws-sdk:ecs:", re.IGNORECASE)
_ECS_STATES_RESOURCE = re.compile(r"^arn:[^:]+:states:::(aws-sdk:)?ecs:", re.IGNORECASE)


def _state_flags(states: Any) -> list[bool | None]:
    """The exec flags of the ECS ``Task`` states of an ASL ``States`` object (nested ones too)."""
    out: list[bool | None] = []
    for state in states.values() if isinstance(states, dict) else ():
        if not isinstance(state, dict):
            continue
        kind = state.get("Type")
        if kind == "Parallel":
            for branch in state.get("Branches") or []:
                out += _state_flags(branch.get("States") if isinstance(branch, dict) else None)
        elif kind == "Map":
            for key in ("ItemProcessor", "Iterator"):
                inner = state.get(key)
                out += _state_flags(inner.get("States") if isinstance(inner, dict) else None)
        elif kind == "Task":
            resource = state.get("Resource")
            flags = _flags_in([state.get("Parameters"), state.get("Arguments")])
            if isinstance(resource, str) and not is_unknown(resource):
                out += flags if _ECS_STATES_RESOURCE.match(resource) else []
            else:  # the service called is only known at plan time
                out += [None for f in flags if f is not False]
    return out


def sfn_exec_flags(value: Any) -> list[bool | None]:
    """The exec flags of a state machine ``definition`` (see the module docstring); a definition
    that cannot be parsed is read as :func:`json_exec_flags` reads it."""
    parsed = unrendered_jsonencode(unwrap(value))
    if isinstance(parsed, str):
        try:
            parsed = json.loads(parsed)
        except ValueError:
            return json_exec_flags(value)
    if isinstance(parsed, dict) and isinstance(parsed.get("States"), dict):
        return _state_flags(parsed["States"])
    return json_exec_flags(value)


def _scheduler_flags(conf: dict[str, Any]) -> list[bool | None]:
    out: list[bool | None] = []
    for target in blocks(conf, "target"):
        for params in blocks(target, "ecs_parameters"):
            if "enable_execute_command" in params:
                value = attr(params, "enable_execute_command")
                out.append(None if is_unknown(value) else as_bool(value))
        arn = attr(target, "arn")
        if "input" not in target:
            continue
        flags = json_exec_flags(target.get("input"))
        if isinstance(arn, str) and not is_unknown(arn):
            out += flags if _ECS_SCHEDULER_TARGET.match(arn) else []
        else:  # the target is only known at plan time
            out += [None for f in flags if f is not False]
    return out


def launcher_exec_flags(resource_type: str, conf: dict[str, Any]) -> list[bool | None]:
    """The exec flags a launcher of ``resource_type`` sets, from its checkov config: True (on),
    False (off), None (only known at plan time). An absent flag is off and not listed."""

    def flag(block: dict[str, Any]) -> list[bool | None]:
        if "enable_execute_command" not in block:
            return []
        value = attr(block, "enable_execute_command")
        return [None if is_unknown(value) else as_bool(value)]

    if resource_type == "aws_cloudwatch_event_target":
        return [f for b in blocks(conf, "ecs_target") for f in flag(b)]
    if resource_type == "aws_scheduler_schedule":
        return _scheduler_flags(conf)
    if resource_type == "aws_pipes_pipe":
        return [
            f
            for t in blocks(conf, "target_parameters")
            for p in blocks(t, "ecs_task_parameters")
            for f in flag(p)
        ]
    if resource_type == "aws_sfn_state_machine":
        return sfn_exec_flags(conf.get("definition")) if "definition" in conf else []
    if resource_type == "aws_batch_job_definition":
        return json_exec_flags(conf.get("ecs_properties")) if "ecs_properties" in conf else []
    return []
