"""Fixtures of the generator tests: the shipped configs and one fresh render of every environment."""

from __future__ import annotations

from pathlib import Path

import pytest
from hcl_facts import ENVS

from generator.loader import available_envs, load_config
from generator.render import render_env, render_modules
from generator.spec import EnvironmentSpec

REPO_ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def specs() -> dict[str, EnvironmentSpec]:
    """The shipped ``config/<env>.yaml`` files, validated."""
    assert set(ENVS) <= set(available_envs())
    return {env: load_config(env) for env in ENVS}


@pytest.fixture(scope="session")
def rendered(specs: dict[str, EnvironmentSpec]) -> dict[str, str]:
    """A fresh render of the modules and every shipped environment (paths relative to terraform/)."""
    files = render_modules()
    for env, spec in specs.items():
        files.update(render_env(spec, f"config/{env}.yaml"))
    return files


@pytest.fixture(scope="session")
def terraform_root() -> Path:
    """The committed rendered tree."""
    return REPO_ROOT / "terraform"
