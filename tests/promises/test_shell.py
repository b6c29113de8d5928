"""Promise: **only named operators may open a shell** (README, "Security promises").

Asked of every rendered environment: can P call ``ecs:ExecuteCommand`` into container X of a task
of cluster C (cluster and task both authorize it)? And can P reach a task around ECS Exec, with
``ssm:StartSession`` on the task as target?
"""

from __future__ import annotations

import promise_checks as P
import pytest
from promise_cast import Cast

pytestmark = pytest.mark.terraform  # the rendered root runs under terraform test


def test_each_operator_execs_only_into_their_clusters_and_containers(cast: Cast) -> None:
    every = [c.name for c in cast.spec.clusters]
    for op in cast.spec.access.operators:
        clusters = every if "*" in op.clusters else op.clusters
        allowed = {name: (list(op.containers) or None) for name in clusters}
        P.executes_only_into(cast, cast.operators[op.name], allowed)


def test_operators_cannot_start_ssm_sessions_on_tasks(cast: Cast) -> None:
    for operator in cast.operators.values():
        P.cannot_start_session_on_tasks(cast, operator)


def test_window_role_cannot_open_a_shell(cast: Cast) -> None:
    P.cannot_execute(cast, cast.window)
    P.cannot_start_session_on_tasks(cast, cast.window)


def test_scheduler_role_cannot_open_a_shell(cast: Cast) -> None:
    P.cannot_execute(cast, cast.scheduler)
    P.cannot_start_session_on_tasks(cast, cast.scheduler)


def test_drift_role_cannot_open_a_shell(cast: Cast) -> None:
    P.cannot_execute(cast, cast.drift)
    P.cannot_start_session_on_tasks(cast, cast.drift)


def test_task_role_cannot_open_a_shell(cast: Cast) -> None:
    P.cannot_execute(cast, cast.task_role)
    P.cannot_start_session_on_tasks(cast, cast.task_role)


def test_guarded_deployer_opens_a_shell_only_without_the_scp(cast: Cast) -> None:
    """ecs:* on *: the guard does not take ExecuteCommand away, the SCP (prd) does (README, "Who is guarded")."""
    if cast.scps:
        P.cannot_execute(cast, cast.deployer)
    else:
        P.executes_only_into(cast, cast.deployer, {c.name: None for c in cast.spec.clusters})


def test_unguarded_admin_opens_a_shell_only_without_the_scp(cast: Cast) -> None:
    if cast.scps:
        P.cannot_execute(cast, cast.admin)
        P.cannot_start_session_on_tasks(cast, cast.admin)
    else:
        P.executes_only_into(cast, cast.admin, {c.name: None for c in cast.spec.clusters})
