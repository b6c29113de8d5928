"""One summary formatting for ``ecs-exec plan`` / ``apply`` and ``make demo`` (the demo's stdout
lines are the commands' lines, not its own variants)."""

from __future__ import annotations

from pathlib import Path

import pytest

from devtools import demo
from tfrunner import pipeline as tf_flow
from tfrunner.runner import PlanSummary

CHANGES = PlanSummary(add=38, change=0, destroy=0)
IMPORTS = PlanSummary(add=33, change=1, destroy=0, import_=1)


def _plan(summary: PlanSummary, env: str = "local") -> tf_flow.PlanResult:
    code = 2 if summary.changes else 0
    return tf_flow.PlanResult(env, code, summary, Path("plan.tfplan"), Path("plan.json"))


def test_plan_and_apply_summary_lines() -> None:
    assert _plan(CHANGES).summary_line() == "local: Plan: 38 to add, 0 to change, 0 to destroy."
    assert _plan(PlanSummary(), "stg").summary_line() == "stg: No changes."
    assert tf_flow.ApplyResult(_plan(CHANGES), applied=True).summary_line() == (
        "local: Apply complete: 38 added, 0 changed, 0 destroyed."
    )
    assert tf_flow.ApplyResult(_plan(IMPORTS, "stg"), applied=True).summary_line() == (
        "stg: Apply complete: 1 imported, 33 added, 1 changed, 0 destroyed."
    )
    dry = tf_flow.ApplyResult(_plan(CHANGES), applied=False)
    assert dry.summary_line(dry_run=True) == "local: Would apply: Plan: 38 to add, 0 to change, 0 to destroy."
    nothing = tf_flow.ApplyResult(_plan(PlanSummary()), applied=False)
    assert nothing.summary_line() == "local: No changes. Nothing to apply."


class _FakeServer:
    endpoint = "http://127.0.0.1:1"

    def hold_tasks_running(self) -> None: ...

    def env(self, region: str) -> dict[str, str]:
        return {}

    def stop(self) -> None: ...


def test_demo_prints_the_commands_summary_lines(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # Everything but the printing is faked: Terraform, moto and the sub-commands are tested elsewhere.
    plans = iter([_plan(CHANGES), _plan(PlanSummary())])
    monkeypatch.setattr("tfrunner.runner.find_terraform", lambda: "terraform")
    monkeypatch.setattr("devtools.moto_server.start_server", lambda **_kw: _FakeServer())
    monkeypatch.setattr(tf_flow, "load_target", lambda *_a: None)
    monkeypatch.setattr(tf_flow, "plan_env", lambda *_a: next(plans))
    monkeypatch.setattr(tf_flow, "apply_env", lambda *_a: tf_flow.ApplyResult(_plan(CHANGES), applied=True))
    monkeypatch.setattr(demo, "seed_services", lambda *_a: [])
    monkeypatch.setattr(demo, "run_cli", lambda args: 3 if "audit" in args else 0)

    demo.run_demo()
    lines = [line for line in capsys.readouterr().out.splitlines() if not line.startswith("seeded:")]
    assert lines == [
        "local: Plan: 38 to add, 0 to change, 0 to destroy.",
        "local: Apply complete: 38 added, 0 changed, 0 destroyed.",
        "local: No changes.",
    ]
