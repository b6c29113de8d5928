"""Close on leave: may the shell close the window it used, and why not.

A shell closes its window when it ends only if *this* command opened it, ``--keep-open`` was not
given, and no other ECS Exec session is active on the window's tasks: SSM ``DescribeSessions``
(``State=Active``), whose ``Target`` is ``ecs:<cluster>_<taskId>_<runtimeId>``, filtered here to the
tasks' ``ecs:<cluster>_<taskId>_`` prefixes (the shell's own session excluded). When SSM cannot be
asked, the window is left to its schedule: closing could end someone else's shell.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from botocore.exceptions import BotoCoreError, ClientError

from ecs_exec.aws import ClientFactory, describe_error

PERMISSIONS = ("ssm:DescribeSessions",)


@dataclass(frozen=True)
class LeaveDecision:
    """``close`` True to close the window now; ``reason`` says why (or why not), in the user's words."""

    close: bool
    reason: str


def active_sessions(
    factory: ClientFactory, cluster: str, task_ids: Iterable[str], own_session_id: str | None
) -> list[str]:
    """Ids of the Active SSM sessions on ``task_ids`` of ``cluster`` other than ``own_session_id``.

    SSM ``DescribeSessions(State="Active")``, all pages (``NextToken``), filtered on the target prefix.

    Raises:
        botocore ClientError / BotoCoreError: SSM could not be asked.
    """
    prefixes = tuple(f"ecs:{cluster}_{t}_" for t in task_ids)
    ssm = factory.client("ssm")
    found: list[str] = []
    token: str | None = None
    while True:
        kwargs = {"State": "Active", **({"NextToken": token} if token else {})}
        answer = ssm.describe_sessions(**kwargs)
        for session in answer.get("Sessions", []):
            target, sid = str(session.get("Target", "")), str(session.get("SessionId", ""))
            if prefixes and target.startswith(prefixes) and sid != own_session_id:
                found.append(sid)
        token = answer.get("NextToken")
        if not token:
            return found


def decide_leave(
    factory: ClientFactory,
    *,
    opened_here: bool,
    keep_open: bool,
    cluster: str,
    task_ids: Iterable[str],
    own_session_id: str | None,
    opened_by: str = "",
) -> LeaveDecision:
    """Whether leaving the shell closes its window (see the module docstring)."""
    if keep_open:
        return LeaveDecision(False, "--keep-open: the window stays open until its schedule closes it")
    if not opened_here:
        who = f" (opened by {opened_by})" if opened_by else ""
        return LeaveDecision(False, f"this command did not open the window{who}: it stays open")
    try:
        others = active_sessions(factory, cluster, task_ids, own_session_id)
    except (ClientError, BotoCoreError) as exc:
        return LeaveDecision(
            False,
            f"cannot tell whether other exec sessions are active (ssm:DescribeSessions: {describe_error(exc)}): "
            "the window stays open until its schedule closes it",
        )
    if others:
        return LeaveDecision(
            False,
            f"{len(others)} other exec session(s) active on its tasks ({', '.join(others[:3])}): "
            "the window stays open until its schedule closes it",
        )
    return LeaveDecision(True, "no other exec session is active on its tasks")
