"""Fixtures of the preflight tests: a fully correct target in in-process moto (see preflight_world)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from moto import mock_aws
from moto.moto_api import state_manager
from preflight_world import World, build_world


@pytest.fixture()
def aws(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """In-process moto with ECS tasks held RUNNING (moto advances a state on every describe), and
    without moto's default AMIs (loading them costs ~0.6 s per test; no test here needs one)."""
    monkeypatch.setenv("MOTO_EC2_LOAD_DEFAULT_AMIS", "false")
    with mock_aws():
        state_manager.set_transition(
            model_name="ecs::task", transition={"progression": "manual", "times": 10**9}
        )
        try:
            yield
        finally:
            state_manager.unset_transition("ecs::task")


@pytest.fixture()
def world(aws: None) -> World:
    """The fully correct target: cluster demo-app, service api, one RUNNING task; caller = operator role."""
    return build_world()
