"""One catalogue of IAM actions: the names the project's layers share are spelled in
``iampolicy/actions.py`` only, and the layers above use them from there."""

from __future__ import annotations

import re
from pathlib import Path

from exec_checks.ecs import SSM_ACTIONS
from exec_checks.guard import EXEC_ENABLING_ACTIONS, KEY
from generator.permissions import GUARD_CONDITION_KEY, GUARD_DENIED_ACTIONS, TASK_ROLE_SSM_ACTIONS
from iampolicy import actions

REPO = Path(__file__).resolve().parents[2]
SHIPPED = ("ecs_exec", "tfrunner", "generator", "reconciler", "exec_checks", "iampolicy")


def test_the_ssm_channel_actions_are_spelled_once() -> None:
    spelled = [
        str(path.relative_to(REPO))
        for package in SHIPPED
        for path in (REPO / package).rglob("*.py")
        if re.search(r"ssmmessages:(Create|Open)(Control|Data)Channel", path.read_text())
    ]
    assert spelled == ["iampolicy/actions.py"]


def test_the_exec_enabling_actions_and_their_key_are_spelled_once() -> None:
    # UpdateService and friends appear in many permission lists; the list of all six does not.
    literal = re.compile(r'"ecs:(StartTask|CreateDaemon|UpdateDaemon)"')
    key = re.compile(r'^\s*[A-Z_]+\s*=\s*"ecs:enable-execute-command"', re.M)
    spelled = sorted(
        str(path.relative_to(REPO))
        for package in SHIPPED
        for path in (REPO / package).rglob("*.py")
        if literal.search(path.read_text()) or key.search(path.read_text())
    )
    assert spelled == ["iampolicy/actions.py"]


def test_generator_and_the_policy_pack_use_the_catalogue() -> None:
    assert TASK_ROLE_SSM_ACTIONS is actions.SSM_CHANNEL_ACTIONS
    assert SSM_ACTIONS is actions.SSM_CHANNEL_ACTIONS
    assert (
        set(GUARD_DENIED_ACTIONS) == set(EXEC_ENABLING_ACTIONS) == set(actions.ENABLE_EXECUTE_COMMAND_ACTIONS)
    )
    assert GUARD_CONDITION_KEY == KEY == actions.ENABLE_EXECUTE_COMMAND_KEY


def test_every_action_that_takes_the_enable_execute_command_key_is_listed() -> None:
    # Service Authorization Reference, Amazon ECS: the key is on these six actions.
    assert set(actions.ENABLE_EXECUTE_COMMAND_ACTIONS) == {
        f"ecs:{a}"
        for a in ("CreateService", "UpdateService", "RunTask", "StartTask", "CreateDaemon", "UpdateDaemon")
    }
