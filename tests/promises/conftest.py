"""Fixtures of the promise suite: each environment's rendered IAM, evaluated once per session."""

from __future__ import annotations

from pathlib import Path

import pytest
from promise_cast import Cast, build_cast
from promise_render import (
    REPO,
    RenderedAccount,
    RenderTree,
    account_from_state,
    run_mock_apply,
    scps_from_state,
)

from generator.loader import load_config
from iampolicy.principal import FULL_AWS_ACCESS

ENVS = ("local", "stg", "prd")


def _plugin_dir() -> str | None:
    from tfrunner.runner import plugin_dir_from_env

    return plugin_dir_from_env()


@pytest.fixture(scope="session")
def render_tree(tmp_path_factory: pytest.TempPathFactory) -> RenderTree:
    """``render_tree(tree, env)``: the rendered IAM of ``tree/envs/<env>`` (a ``terraform/`` folder)."""

    def run(tree: Path, env: str) -> RenderedAccount:
        spec = load_config(config=REPO / "config" / f"{env}.yaml")
        work = tmp_path_factory.mktemp(f"promises-{env}")
        state = run_mock_apply(tree, f"envs/{env}", spec.account_id, spec.region, work, _plugin_dir())
        account = account_from_state(state, spec.account_id, spec.region)
        if (tree / "scp" / env).is_dir():  # the SCP root of issue 10, applied in the management account
            scp_work = tmp_path_factory.mktemp(f"promises-scp-{env}")
            scp = run_mock_apply(tree, f"scp/{env}", spec.account_id, spec.region, scp_work, _plugin_dir())
            account.scps = (FULL_AWS_ACCESS, *scps_from_state(scp))
        return account

    return run


@pytest.fixture(scope="session")
def _casts(render_tree: RenderTree) -> dict[str, Cast]:
    return {}


@pytest.fixture(params=ENVS)
def cast(request: pytest.FixtureRequest, _casts: dict[str, Cast], render_tree: RenderTree) -> Cast:
    """The cast of one environment (every test runs for local, stg and prd), from the committed ``terraform/``."""
    env = request.param
    if env not in _casts:
        _casts[env] = build_cast(
            load_config(config=REPO / "config" / f"{env}.yaml"), render_tree(REPO / "terraform", env)
        )
    return _casts[env]
