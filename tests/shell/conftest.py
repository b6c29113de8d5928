"""Fixtures of the shell tests: the applied local environment with ``demo-app/api`` seeded, a stand-in
``session-manager-plugin`` first on PATH, and the botocore hooks loaded into ``ecs-exec`` subprocesses."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from shell_world import BIN, HERE, SITE, DeploymentStarter, ShellWorld
from standin import write_standin


@pytest.fixture()
def world(applied_local: Any, tmp_path: Path) -> ShellWorld:
    from devtools.seed import seed_services
    from ecs_exec.aws import ClientFactory

    site = tmp_path / "site"
    site.mkdir()
    (site / "sitecustomize.py").write_text(SITE)
    plugin_dir = tmp_path / "bin"
    write_standin(plugin_dir)
    base = {k: v for k, v in os.environ.items() if k not in ("AWS_PROFILE", "ECS_EXEC_ENV", "PYTHONPATH")}
    env = base | applied_local.env()
    with pytest.MonkeyPatch.context() as mp:
        for key, value in applied_local.env().items():
            mp.setenv(key, value)
        seed_services(applied_local.spec, ClientFactory(applied_local.spec.region))
    world = ShellWorld(
        env={
            **env,
            "PATH": f"{plugin_dir}:{BIN}:/usr/bin:/bin",
            "PYTHONPATH": f"{site}:{HERE}",
            "SHELL_HOOKS": "1",
            "STANDIN_RECORD": str(tmp_path / "plugin.jsonl"),
            "SHELL_HOOKS_LOG": str(tmp_path / "hooks.jsonl"),
            "SHELL_HOOKS_SESSIONS": str(tmp_path / "sessions.json"),
        },
        record=tmp_path / "plugin.jsonl",
        hooks_log=tmp_path / "hooks.jsonl",
        sessions=tmp_path / "sessions.json",
        endpoint=applied_local.server.endpoint,
        region=applied_local.spec.region,
    )
    return world


@pytest.fixture()
def deployments(world: ShellWorld) -> Iterator[DeploymentStarter]:
    starter = DeploymentStarter(world, "demo-app", "api")
    starter.start()
    try:
        yield starter
    finally:
        starter.stop.set()
        starter.join(timeout=5)
