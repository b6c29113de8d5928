"""Helpers shared by the changing operations: run one named step, record one window event."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from botocore.exceptions import BotoCoreError, ClientError

from ecs_exec.aws import ClientFactory, describe_error
from ecs_exec.errors import AwsError
from generator.spec import EnvironmentSpec
from reconciler.windows import aws
from reconciler.windows.identity import Actor
from reconciler.windows.record import WindowEvent

T = TypeVar("T")


def actor_arn(actor: Actor | str) -> str:
    """The ARN of who acts (an :class:`Actor`, or an ARN already)."""
    return actor.arn if isinstance(actor, Actor) else actor


def run_step(what: str, fn: Callable[[], T], *, hint: str | None) -> T:
    """Run one changing step; turn an AWS failure into one line naming the step."""
    try:
        return fn()
    except (ClientError, BotoCoreError) as exc:
        raise AwsError(f"{what} failed: {describe_error(exc)}", hint=hint) from None


def record_event(factory: ClientFactory, spec: EnvironmentSpec, event: WindowEvent) -> None:
    """Logs ``PutLogEvents`` of ``event`` (at its ``at``) in its cluster's window-events stream."""
    log_group = spec.exec_log_group_name(event.cluster)
    aws.put_event(factory, log_group, spec.windows.events_stream_name, event.to_message(), event.at)
