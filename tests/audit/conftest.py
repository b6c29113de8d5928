"""Fixtures of the audit tests: a test environment, moto (in-process), a factory and an API-call recorder."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
from audit_helpers import CallRecorder
from moto import mock_aws

from ecs_exec.aws import ClientFactory
from generator.loader import load_config
from generator.spec import EnvironmentSpec

CONFIG = """\
environment: test
region: us-east-1
account_id: "123456789012"
exec_logging:
  retention_in_days: 30
  s3:
    bucket_prefix: test-transcripts
    key_prefix: exec-sessions/
windows:
  role_name: ecs-exec-window-test
  scheduler_role_name: ecs-exec-window-scheduler-test
  schedule_group_name: ecs-exec-windows-test
  dead_letter_queue_name: ecs-exec-windows-dlq-test
drift_role_name: ecs-exec-drift-test
clusters:
  - name: payments
    exec: {mode: windowed}
    services:
      - {name: api, task_role_name: payments-api-task}
  - name: batch
    exec: {mode: never}
  - name: sandbox
    exec: {mode: always}
"""


#: The wall clock of moto's ``PutLogEvents`` check (AWS accepts events of the last 14 days only), pinned
#: to the time of the test data (transcripts, window events around 2026-11-30): else the seeded events are
#: silently dropped once the real date is past 2026-12-14. Naive UTC, like moto's own ``utcnow``.
MOTO_LOGS_NOW = datetime(2026, 11, 30, 12, 0)


@pytest.fixture(autouse=True)
def _moto_logs_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    import moto.logs.models

    monkeypatch.setattr(moto.logs.models, "utcnow", lambda: MOTO_LOGS_NOW)


@pytest.fixture()
def config_file(tmp_path: Path) -> Path:
    path = tmp_path / "test.yaml"
    path.write_text(CONFIG, encoding="utf-8")
    return path


@pytest.fixture()
def spec(config_file: Path) -> EnvironmentSpec:
    return load_config(config=config_file)


@pytest.fixture()
def aws() -> Iterator[None]:
    with mock_aws():
        yield


@pytest.fixture()
def factory(aws: None) -> ClientFactory:
    return ClientFactory("us-east-1", max_attempts=3)


@pytest.fixture()
def recorder(factory: ClientFactory) -> CallRecorder:
    """Registered on the factory's session before any client exists, first on the same (wildcard) node
    a Stubber uses: ``before-call`` stops at the first handler that answers."""
    rec = CallRecorder()
    factory.session.events.register_first("before-call.*.*", rec)
    return rec
