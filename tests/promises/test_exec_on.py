"""Promise: **nobody but the exec-window role may turn exec on** (README, "Security promises").

Asked of every rendered environment: can P call ``ecs:UpdateService`` (and every other action that
takes ``ecs:enable-execute-command``: CreateService, RunTask, StartTask, CreateDaemon, UpdateDaemon)
with the key ``"true"``?
"""

from __future__ import annotations

import promise_checks as P
import pytest
from promise_cast import Cast

from generator.spec import ExecMode

pytestmark = pytest.mark.terraform  # the rendered root runs under terraform test


def test_window_role_turns_exec_on_in_windowed_clusters(cast: Cast) -> None:
    P.turns_exec_on_in_windowed(cast, cast.window)


def test_window_role_cannot_turn_exec_on_in_never_clusters(cast: Cast) -> None:
    P.cannot_turn_exec_on(cast, cast.window, modes=(ExecMode.NEVER,))


def test_scheduler_role_cannot_turn_exec_on(cast: Cast) -> None:
    P.cannot_turn_exec_on(cast, cast.scheduler)


def test_drift_role_cannot_turn_exec_on_outside_always_clusters(cast: Cast) -> None:
    P.cannot_turn_exec_on(cast, cast.drift, modes=(ExecMode.WINDOWED, ExecMode.NEVER))


def test_operators_cannot_turn_exec_on(cast: Cast) -> None:
    for operator in cast.operators.values():
        P.cannot_turn_exec_on(cast, operator)


def test_guarded_deployer_cannot_turn_exec_on_with_update_or_create_service_or_run_task(cast: Cast) -> None:
    P.cannot_turn_exec_on(cast, cast.deployer, ("ecs:UpdateService", "ecs:CreateService", "ecs:RunTask"))


def test_guarded_deployer_cannot_turn_exec_on_with_any_action(cast: Cast) -> None:
    P.cannot_turn_exec_on(cast, cast.deployer)  # StartTask, CreateDaemon, UpdateDaemon too


def test_unguarded_admin_turns_exec_on_only_without_the_scp(cast: Cast) -> None:
    """With the SCP (prd) the admin cannot; without it (local, stg) it can: the README's "not guarded"."""
    if cast.scps:
        P.cannot_turn_exec_on(cast, cast.admin)
    else:
        P.turns_exec_on_in_windowed(cast, cast.admin)


def test_task_role_cannot_turn_exec_on(cast: Cast) -> None:
    P.cannot_turn_exec_on(cast, cast.task_role)


def _window_update_service(cast: Cast, extra: dict[str, str], *, exec_flag: bool = True) -> object:
    """May the exec-window role call UpdateService on a windowed service with these request keys?"""
    from iampolicy import actions
    from iampolicy.conditions import RequestContext
    from iampolicy.principal import decide
    from iampolicy.questions import caller_keys

    cluster_arn, service = cast.windowed_service()
    prefix, _, cluster = cluster_arn.rpartition(":cluster/")
    keys = {actions.ECS_CLUSTER_KEY: cluster_arn, **caller_keys(cast.window), **extra}
    if exec_flag:
        keys[actions.ENABLE_EXECUTE_COMMAND_KEY] = "true"
    ctx = RequestContext(keys, complete=True)
    return decide(
        cast.window, "ecs:UpdateService", f"{prefix}:service/{cluster}/{service}", ctx, scps=cast.scps
    )


def test_window_role_cannot_swap_a_task_definition(cast: Cast) -> None:
    """README, "Who is guarded": through the exec-window role nobody swaps a windowed service's task
    definition (its image, its task role), with or without turning exec on."""
    prefix = cast.windowed_service()[0].rpartition(":cluster/")[0]
    task_definition = {"ecs:task-definition": f"{prefix}:task-definition/admin-tools:7"}
    assert _window_update_service(cast, task_definition) in P.CANNOT
    assert _window_update_service(cast, task_definition, exec_flag=False) in P.CANNOT


def test_window_role_cannot_update_a_service_without_the_exec_flag(cast: Cast) -> None:
    """A request that does not carry enableExecuteCommand (a plain desiredCount change) is not the
    window's: refused."""
    assert _window_update_service(cast, {}, exec_flag=False) in P.CANNOT
    assert _window_update_service(cast, {}) in P.CAN
