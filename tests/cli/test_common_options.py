"""The shared option types: one integer type for every integer option, one ``--stop-tasks``."""

from __future__ import annotations

from typing import Any

import click
import pytest
from click.testing import CliRunner

from ecs_exec.cli import main
from ecs_exec.cli.common import WholeNumber, stop_tasks_default
from ecs_exec.cli.drift import drift_check, drift_fix
from ecs_exec.cli.window import close_cmd, sweep_cmd


def _all_commands(group: click.Command, prefix: str = "") -> dict[str, click.Command]:
    found: dict[str, click.Command] = {}
    for name, cmd in getattr(group, "commands", {}).items():
        found[f"{prefix}{name}"] = cmd
        found.update(_all_commands(cmd, f"{prefix}{name} "))
    return found


def test_every_integer_option_of_the_cli_is_the_one_integer_type() -> None:
    integer_options = {
        (name, p.name)
        for name, cmd in _all_commands(main).items()
        for p in cmd.params
        if isinstance(p, click.Option) and (isinstance(p.type, click.types._NumberParamTypeBase))
    }
    assert integer_options == set(), f"use ecs_exec.cli.common.WholeNumber: {sorted(integer_options)}"
    whole = {
        (n, p.name)
        for n, c in _all_commands(main).items()
        for p in c.params
        if isinstance(p.type, WholeNumber)
    }
    assert ("drift check", "concurrency") in whole and ("window open", "minutes") in whole


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("abc", "'abc' is not a whole number"),
        ("0", "must be between 1 and 64, got 0"),
        ("65", "between 1 and 64"),
    ],
)
def test_whole_number_words_bad_values(value: str, message: str) -> None:
    with pytest.raises(click.BadParameter, match=message):
        WholeNumber(1, 64).convert(value, None, None)
    assert WholeNumber(1, 64).convert(" 7 ", None, None) == 7
    assert WholeNumber(min=1).convert("100000", None, None) == 100000


def test_stop_tasks_is_one_option_with_one_default() -> None:
    for cmd in (drift_fix, close_cmd, sweep_cmd):
        (opt,) = [p for p in cmd.params if p.name == "stop_tasks"]
        assert isinstance(opt, click.Option)
        assert opt.opts == ["--stop-tasks"] and opt.secondary_opts == ["--no-stop-tasks"]
        assert opt.default is None  # decided by the config: stop_tasks_default
    assert not any(p.name == "stop_tasks" for p in drift_check.params)
    assert stop_tasks_default(None, production=True) is True
    assert stop_tasks_default(None, production=False) is False
    assert stop_tasks_default(False, production=True) is False
    assert stop_tasks_default(True, production=False) is True


@pytest.mark.parametrize(
    ("env", "flags", "expected"),
    [
        ("prd", [], True),
        ("stg", [], False),
        ("prd", ["--no-stop-tasks"], False),
        ("stg", ["--stop-tasks"], True),
    ],
)
def test_drift_fix_stops_tasks_by_default_in_production(
    monkeypatch: pytest.MonkeyPatch, env: str, flags: list[str], expected: bool
) -> None:
    seen: dict[str, Any] = {}

    class Stop(Exception):
        pass

    def fake_run_drift(spec: Any, factory: Any, now: Any, options: Any, **_: Any) -> Any:
        seen["stop_tasks"] = options.fix_options.stop_tasks
        raise Stop

    monkeypatch.setattr("ecs_exec.aws.verify_account", lambda *a, **k: {"Arn": "arn:aws:iam::1:user/x"})
    monkeypatch.setattr("reconciler.drift.engine.run_drift", fake_run_drift)
    CliRunner().invoke(main, ["drift", "fix", "--env", env, *flags])
    assert seen == {"stop_tasks": expected}
