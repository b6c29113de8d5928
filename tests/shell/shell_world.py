"""Helpers of the shell tests (a plain module: pytest cannot import one conftest.py by name when several
test folders have one): the world a shell test runs in, and the stand-in for the ECS deployment scheduler."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3

HERE = Path(__file__).resolve().parent
BIN = Path(sys.executable).parent
SITE = """import os
if os.environ.get("SHELL_HOOKS") == "1":
    import shell_hooks
    shell_hooks.install()
"""


@dataclass
class ShellWorld:
    """Paths and environment of one shell test against the applied moto server."""

    env: dict[str, str]
    record: Path  # the stand-in's argv/env/signals, one JSON line each
    hooks_log: Path  # ExecuteCommand requests
    sessions: Path  # DescribeSessions answers (JSON list)
    endpoint: str
    region: str

    def client(self, name: str) -> Any:
        return boto3.Session(
            aws_access_key_id="testing", aws_secret_access_key="testing", region_name=self.region
        ).client(name, endpoint_url=self.endpoint)

    def records(self) -> list[dict[str, Any]]:
        if not self.record.exists():
            return []
        return [json.loads(line) for line in self.record.read_text().splitlines() if line.strip()]

    def runs(self) -> list[dict[str, Any]]:
        return [r for r in self.records() if "argv" in r]

    def exec_requests(self) -> list[dict[str, Any]]:
        if not self.hooks_log.exists():
            return []
        return [json.loads(line) for line in self.hooks_log.read_text().splitlines() if line.strip()]

    def start(self, *args: str, new_session: bool = False, **env: str) -> subprocess.Popen[str]:
        """Start ``ecs-exec shell`` (``new_session``: in a process group of its own, like a terminal's job)."""
        return subprocess.Popen(
            [str(BIN / "ecs-exec"), "shell", *args],
            env={**self.env, **env},
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            stdin=subprocess.DEVNULL,
            text=True,
            start_new_session=new_session,
        )

    def wait_for_signal(self, name: str, timeout: float = 30) -> None:
        """Poll until the stand-in recorded receiving signal ``name``."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if any(r.get("signal") == name for r in self.records()):
                return
            time.sleep(0.05)
        raise AssertionError(f"the stand-in never got {name}: {self.records()}")

    def run(self, *args: str, timeout: float = 120, **env: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(BIN / "ecs-exec"), "shell", *args],
            env={**self.env, **env},
            capture_output=True,
            stdin=subprocess.DEVNULL,
            text=True,
            timeout=timeout,
            check=False,
        )

    def wait_for(self, what: str, timeout: float = 90) -> dict[str, Any]:
        """The first stand-in record with key ``what`` (polls the record file)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = [r for r in self.records() if what in r]
            if found:
                return found[0]
            time.sleep(0.1)
        raise AssertionError(f"the stand-in never recorded {what!r}: {self.records()}")


class DeploymentStarter(threading.Thread):
    """Plays the ECS scheduler moto lacks: once the service has exec on, start one task of its PRIMARY
    deployment (``startedBy`` = the deployment id, as ECS does)."""

    def __init__(self, world: ShellWorld, cluster: str, service: str) -> None:
        super().__init__(daemon=True)
        self.ecs = world.client("ecs")
        self.cluster, self.service = cluster, service
        self.started: list[str] = []
        self.stop = threading.Event()

    def run(self) -> None:
        seen: set[str] = set()
        while not self.stop.is_set():
            svc = self.ecs.describe_services(cluster=self.cluster, services=[self.service])["services"][0]
            primary = next(d for d in svc["deployments"] if d["status"] == "PRIMARY")
            if svc.get("enableExecuteCommand") and primary["id"] not in seen:
                seen.add(primary["id"])
                task = self.ecs.run_task(
                    cluster=self.cluster, taskDefinition=svc["taskDefinition"], launchType="FARGATE",
                    group=f"service:{self.service}", startedBy=primary["id"],
                )["tasks"][0]  # fmt: skip
                self.started.append(task["taskArn"])
            self.stop.wait(0.3)
