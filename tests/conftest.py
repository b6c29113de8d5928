"""Shared fixtures. Every test runs with fake credentials and no endpoint/profile from the shell."""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from devtools.moto_server import MotoServer, start_server
from generator.spec import EnvironmentSpec

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def _restore_environ() -> Iterator[None]:
    """Options such as ``--profile`` / ``--project-dir`` set ``os.environ`` for the process (as the
    CLI means them to); in-process CLI tests must not leak them into the next test."""
    saved = dict(os.environ)
    yield
    os.environ.clear()
    os.environ.update(saved)


@pytest.fixture(autouse=True)
def _aws_env(monkeypatch: pytest.MonkeyPatch, _restore_environ: None) -> None:
    """In-process mock_aws ignores a custom endpoint: unset it and the profile, set fake credentials;
    and no project / config folder exported by the shell."""
    for var in (
        "AWS_ENDPOINT_URL",
        "AWS_PROFILE",
        "AWS_DEFAULT_PROFILE",
        "ECS_EXEC_NOW",
        "ECS_EXEC_ENV",
        "ECS_EXEC_PROJECT_DIR",
        "ECS_EXEC_ROOT",
        "ECS_EXEC_CONFIG_DIR",
        "ECS_EXEC_BUILD_DIR",
    ):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_SECURITY_TOKEN", "testing")
    monkeypatch.setenv("AWS_SESSION_TOKEN", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    monkeypatch.setenv("AWS_REGION", "us-east-1")


@pytest.fixture(scope="session")
def moto_server() -> Iterator[MotoServer]:
    """One moto server (child process) for the whole session. Tests that need a clean server
    call ``moto_server.reset()``; tests sharing the applied local environment use ``applied_local``."""
    server = start_server()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture()
def server_env(moto_server: MotoServer, monkeypatch: pytest.MonkeyPatch) -> MotoServer:
    """Point this test's process (boto3, subprocesses) at the shared moto server."""
    for key, value in moto_server.env().items():
        monkeypatch.setenv(key, value)
    return moto_server


@dataclass(frozen=True)
class AppliedLocal:
    """``config/local.yaml`` rendered and applied to the shared moto server (see ``applied_local``).

    ``build_dir`` is the build root (``ECS_EXEC_BUILD_DIR``) holding ``local/`` (working copy, local
    state); ``env()`` are the variables that point a process (boto3, terraform, ``ecs-exec``) at it.
    """

    server: MotoServer
    spec: EnvironmentSpec
    build_dir: Path

    def env(self) -> dict[str, str]:
        return {**self.server.env(region=self.spec.region), "ECS_EXEC_BUILD_DIR": str(self.build_dir)}

    def setenv(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """Point this test's process at the server and the build dir (``ecs-exec plan --env local`` works)."""
        for key, value in self.env().items():
            monkeypatch.setenv(key, value)


@pytest.fixture(scope="session")
def applied_local(moto_server: MotoServer, tmp_path_factory: pytest.TempPathFactory) -> AppliedLocal:
    """Session-wide: ``config/local.yaml`` rendered into a tmp build dir and applied (init + plan + apply)
    to the shared ``moto_server``, with ECS tasks held RUNNING. Nothing under the repo is written.

    Clusters, exec log groups, KMS keys, roles and policies of the config exist afterwards; no
    services are seeded (tests seed what they need). Do not ``moto_server.reset()`` in a session
    that uses this fixture (it would drop the applied resources).
    """
    from tfrunner import pipeline as tf_flow
    from tfrunner.runner import plugin_dir_from_env
    from tfrunner.workspace import Workspace

    build_dir = tmp_path_factory.mktemp("build")
    moto_server.hold_tasks_running()
    with pytest.MonkeyPatch.context() as mp:
        for var in ("AWS_PROFILE", "AWS_DEFAULT_PROFILE"):
            mp.delenv(var, raising=False)
        for key, value in moto_server.env().items():
            mp.setenv(key, value)
        target = tf_flow.load_target("local", None)
        settings = tf_flow.Settings(
            workspace=Workspace("local", build_dir / "local"),
            endpoint=moto_server.endpoint,
            plugin_dir=plugin_dir_from_env(),
            terraform_root=None,
            run_checks=False,
            progress=lambda _line: None,
        )
        tf_flow.apply_env(target, settings)
    return AppliedLocal(moto_server, target.spec, build_dir)
