"""build/<env>/ bookkeeping: working copy sync, the moto backend override, freshness of a saved plan."""

from __future__ import annotations

import fcntl
import os
from pathlib import Path

import pytest

from tfrunner.workspace import (
    BACKEND_OVERRIDE,
    KEEP_STATES,
    PlanInputs,
    PlanStatus,
    Workspace,
    build_root,
    fingerprint,
)

INPUTS = PlanInputs.of({"a.tf": "x"}, "cfg", "http://e")


def _save_plan(ws: Workspace, inputs: PlanInputs) -> None:
    """What a successful plan leaves: the binary, its JSON and the record of its inputs."""
    ws.root.mkdir(parents=True, exist_ok=True)
    ws.plan_file.write_text("plan")
    ws.plan_json.write_text("{}")
    ws.write_plan_meta(inputs, {})


def test_build_root_overridable(tmp_path: Path) -> None:
    assert build_root({"ECS_EXEC_BUILD_DIR": str(tmp_path)}) == tmp_path
    assert build_root({"ECS_EXEC_BUILD_DIR": ""}).name == "build"
    assert (
        Workspace.for_env("stg", {"ECS_EXEC_BUILD_DIR": str(tmp_path)}).workdir
        == tmp_path / "stg/tf/envs/stg"
    )


def test_sync_keeps_layout_and_terraform_files_and_drops_stale(tmp_path: Path) -> None:
    ws = Workspace("stg", tmp_path / "stg")
    ws.sync({"modules/m/main.tf": "m1", "envs/stg/main.tf": "r1", "envs/stg/old.tf": "x"})
    (ws.workdir / ".terraform").mkdir()
    (ws.workdir / ".terraform" / "modules.json").write_text("{}")
    (ws.workdir / ".terraform.lock.hcl").write_text("lock")
    ws.sync({"modules/m/main.tf": "m2", "envs/stg/main.tf": "r1"})
    assert (ws.tf_dir / "modules/m/main.tf").read_text() == "m2"
    assert not (ws.workdir / "old.tf").exists()
    assert (ws.workdir / ".terraform" / "modules.json").exists()
    assert (ws.workdir / ".terraform.lock.hcl").exists()
    ws.sync({"envs/stg/main.tf": "r1"})
    assert not (ws.tf_dir / "modules" / "m").exists()


def test_each_endpoint_has_its_own_local_state_and_a_new_one_starts_empty(tmp_path: Path) -> None:
    ws = Workspace("local", tmp_path / "local")
    a, b = "http://127.0.0.1:1111", "http://127.0.0.1:2222"
    assert ws.set_backend(a) is False  # first run: nothing to reset
    override = (ws.workdir / BACKEND_OVERRIDE).read_text()
    assert 'backend "local"' in override and str(ws.state_path(a).resolve()) in override
    ws.state_path(a).write_text("{}")
    _save_plan(ws, INPUTS)
    assert ws.set_backend(a) is False  # same server: state and plan kept
    assert ws.state_path(a).exists() and ws.plan_status(INPUTS).fresh

    assert ws.set_backend(b) is True  # a fresh server: empty state, the other server's plan dropped
    assert not ws.state_path(b).exists() and not ws.plan_file.exists()
    assert ws.plan_status(INPUTS).reason == f"saved plan stale: endpoint changed ({a} -> {b})"
    assert str(ws.state_path(b).resolve()) in (ws.workdir / BACKEND_OVERRIDE).read_text()
    assert ws.endpoint_file.read_text().strip() == b
    assert ws.state_path(a).exists()  # a run still using server A keeps its state

    _save_plan(ws, INPUTS)
    assert ws.set_backend(None) is False  # real AWS: the config's backend, no moto plan
    assert not (ws.workdir / BACKEND_OVERRIDE).exists()
    assert not ws.plan_file.exists() and not ws.endpoint_file.exists()
    assert ws.plan_status(INPUTS).reason == f"saved plan stale: endpoint changed ({b} -> real AWS)"


def test_only_the_most_recent_endpoint_states_are_kept(tmp_path: Path) -> None:
    ws = Workspace("local", tmp_path / "local")
    endpoints = [f"http://127.0.0.1:{1000 + i}" for i in range(KEEP_STATES + 2)]
    for i, ep in enumerate(endpoints):
        ws.set_backend(ep)
        os.utime(ws.state_path(ep).parent, (i, i))  # deterministic order of use
    kept = sorted(p.name for p in (ws.root / "state").iterdir())
    assert len(kept) == KEEP_STATES
    assert ws.state_path(endpoints[-1]).parent.name in kept
    assert ws.state_path(endpoints[0]).parent.name not in kept


def test_fingerprint_covers_tree_config_and_endpoint() -> None:
    base = fingerprint({"a.tf": "x"}, "cfg", "http://e")
    assert base == fingerprint({"a.tf": "x"}, "cfg", "http://e")
    others = [
        fingerprint({"a.tf": "y"}, "cfg", "http://e"),
        fingerprint({"b.tf": "x"}, "cfg", "http://e"),
        fingerprint({"a.tf": "x"}, "cfg2", "http://e"),
        fingerprint({"a.tf": "x"}, "cfg", None),
    ]
    assert base not in others and len(set(others)) == 4


def test_plan_status_says_why_a_plan_is_not_fresh(tmp_path: Path) -> None:
    ws = Workspace("stg", tmp_path / "stg")
    ws.root.mkdir(parents=True)
    assert ws.plan_status(INPUTS) == PlanStatus(False, "no saved plan yet")
    ws.write_plan_meta(INPUTS, {})
    assert not ws.plan_status(INPUTS).fresh  # a record without the plan binary
    _save_plan(ws, INPUTS)
    assert ws.plan_status(INPUTS) == PlanStatus(True, "saved plan fresh")

    other_config = PlanInputs.of({"a.tf": "x"}, "cfg2", "http://e")
    assert ws.plan_status(other_config).reason == "saved plan stale: config changed"
    both = PlanInputs.of({"a.tf": "y"}, "cfg2", None)
    assert ws.plan_status(both).reason == (
        "saved plan stale: endpoint changed (http://e -> real AWS), config changed, rendered Terraform changed"
    )
    ws.plan_json.unlink()
    assert ws.plan_status(INPUTS).reason == "saved plan stale: plan.json is missing"
    ws.plan_meta.write_text("not json")
    assert ws.plan_status(INPUTS).reason == "saved plan stale: plan.meta.json is missing or unreadable"


def test_a_discarded_plan_is_reported_with_its_reason_until_the_next_plan(tmp_path: Path) -> None:
    ws = Workspace("local", tmp_path / "local")
    _save_plan(ws, INPUTS)
    ws.discard_plan("no saved plan: the last plan had no changes (nothing to apply)")
    assert not ws.plan_file.exists() and not ws.plan_meta.exists() and ws.plan_json.exists()
    assert ws.plan_status(INPUTS) == PlanStatus(
        False, "no saved plan: the last plan had no changes (nothing to apply)"
    )
    ws.discard_plan()  # no reason given: the last note stays
    assert ws.plan_status(INPUTS).reason.startswith("no saved plan: the last plan had no changes")
    _save_plan(ws, INPUTS)  # a new plan clears the note
    assert ws.plan_status(INPUTS).fresh
    ws.discard_plan("no saved plan: the last one was applied")
    assert ws.plan_status(INPUTS).reason == "no saved plan: the last one was applied"


def test_lock_excludes_a_second_run_on_the_same_build_dir(tmp_path: Path) -> None:
    ws = Workspace("local", tmp_path / "local")
    with ws.lock(), open(ws.root / ".lock", "a+") as other, pytest.raises(BlockingIOError):
        fcntl.flock(other, fcntl.LOCK_EX | fcntl.LOCK_NB)
    with open(ws.root / ".lock", "a+") as other:
        fcntl.flock(other, fcntl.LOCK_EX | fcntl.LOCK_NB)  # released afterwards
