"""The embedded AWS stand-in: moto's server in a child process on 127.0.0.1.

A child process (not ``ThreadedMotoServer``) keeps the server's state apart from in-process
``mock_aws`` unit tests, which reset moto's global backends. Used by ``make demo``, ``bench/``
and the end-to-end tests.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from typing import Any


def free_port() -> int:
    """An unused TCP port on 127.0.0.1."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class MotoServer:
    """A running moto server. ``endpoint`` is what ``AWS_ENDPOINT_URL`` should be."""

    port: int
    account_id: str = "123456789012"
    process: subprocess.Popen[bytes] | None = field(default=None, repr=False)

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def env(self, region: str = "us-east-1") -> dict[str, str]:
        """Environment variables that point boto3 and Terraform at this server (fake credentials)."""
        return {
            "AWS_ENDPOINT_URL": self.endpoint,
            "AWS_ACCESS_KEY_ID": "testing",
            "AWS_SECRET_ACCESS_KEY": "testing",
            "AWS_SESSION_TOKEN": "testing",
            "AWS_REGION": region,
            "AWS_DEFAULT_REGION": region,
            "MOTO_ACCOUNT_ID": self.account_id,
        }

    def command(self) -> list[str]:
        """The child's command line (``devtools.throttle`` puts a throttle in front of moto)."""
        return [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(self.port)]

    def child_env(self) -> dict[str, str]:
        """The child's environment."""
        return dict(os.environ, MOTO_ACCOUNT_ID=self.account_id)

    def start(self, timeout: float = 30.0) -> MotoServer:
        """Start the server and wait until it answers (raises RuntimeError after ``timeout`` seconds)."""
        self.process = subprocess.Popen(
            self.command(),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env=self.child_env(),
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"moto server exited with code {self.process.returncode}")
            try:
                urllib.request.urlopen(f"{self.endpoint}/moto-api/", timeout=1).read()  # noqa: S310
                return self
            except OSError:
                time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"moto server did not answer on {self.endpoint} within {timeout:.0f}s")

    def stop(self) -> None:
        """Stop the server (idempotent)."""
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
        self.process = None

    def _post(self, path: str, payload: dict[str, Any] | None = None) -> None:
        data = json.dumps(payload or {}).encode()
        req = urllib.request.Request(f"{self.endpoint}{path}", data=data, method="POST")  # noqa: S310
        urllib.request.urlopen(req, timeout=10).read()  # noqa: S310

    def reset(self) -> None:
        """Forget every resource (``POST /moto-api/reset``)."""
        self._post("/moto-api/reset")

    def hold_tasks_running(self) -> None:
        """Keep ECS tasks RUNNING however often they are described (manual ``ecs::task`` transition)."""
        self._post(
            "/moto-api/state-manager/set-transition",
            {"model_name": "ecs::task", "transition": {"progression": "manual", "times": 1_000_000}},
        )

    def __enter__(self) -> MotoServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def start_server(account_id: str = "123456789012") -> MotoServer:
    """Start a moto server on a free port and return it (call ``.stop()`` when done)."""
    return MotoServer(port=free_port(), account_id=account_id).start()
