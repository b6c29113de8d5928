"""Shared fixtures. Every test runs with fake credentials and no endpoint/profile from the shell."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from ecs_exec.moto_server import MotoServer, start_server

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def _aws_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """In-process mock_aws ignores a custom endpoint: unset it and the profile, set fake credentials."""
    for var in ("AWS_ENDPOINT_URL", "AWS_PROFILE", "AWS_DEFAULT_PROFILE", "ECS_EXEC_NOW", "ECS_EXEC_ENV"):
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
