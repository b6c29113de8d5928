"""``api_rate_limits`` values are strict, finite numbers with a floor (``rate >= 0.1``/s): a near-zero
rate would make ``drift check`` wait silently for hours; ``'5'``, ``true`` and ``.nan`` are refused.
Each bad value: one line naming the field, exit 4, before any AWS call (the real CLI)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from ecs_exec.pacing import MIN_RATE
from generator.loader import parse_config

LOCAL = Path(__file__).resolve().parents[2] / "config" / "local.yaml"
ECS_EXEC = str(Path(sys.executable).with_name("ecs-exec"))


def _config(tmp_path: Path, limits: str) -> Path:
    path = tmp_path / "local.yaml"
    path.write_text(LOCAL.read_text() + f"\napi_rate_limits:\n  ecs_service_reads: {limits}\n")
    return path


@pytest.mark.parametrize(
    ("limits", "says"),
    [
        ("{rate: 0.001, burst: 10}", "greater than or equal to 0.1"),
        ("{rate: 0, burst: 10}", "greater than or equal to 0.1"),
        ("{rate: '5', burst: 10}", "valid number"),
        ("{rate: true, burst: 10}", "valid number"),
        ("{rate: .nan, burst: 10}", "finite number"),
        ("{rate: .inf, burst: 10}", "finite number"),
        ("{rate: 5, burst: '10'}", "valid integer"),
        ("{rate: 5, burst: true}", "valid integer"),
    ],
)
def test_a_bad_rate_limit_is_one_line_and_exit_4(tmp_path: Path, limits: str, says: str) -> None:
    done = subprocess.run(
        [ECS_EXEC, "drift", "check", "--config", str(_config(tmp_path, limits))],
        env={**os.environ, "AWS_ENDPOINT_URL": "http://127.0.0.1:9", "AWS_MAX_ATTEMPTS": "1"},
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert done.returncode == 4, done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "api_rate_limits" in lines[0] and says in lines[0], done.stderr
    assert "Traceback" not in done.stderr


def test_the_floor_and_whole_numbers_are_accepted(tmp_path: Path) -> None:
    spec = parse_config(_config(tmp_path, f"{{rate: {MIN_RATE}, burst: 1}}").read_text(), "x")
    assert spec.api_rate_limits["ecs_service_reads"].rate == MIN_RATE == 0.1
    spec = parse_config(_config(tmp_path, "{rate: 50, burst: 200}").read_text(), "x")
    assert spec.api_rate_limits["ecs_service_reads"].rate == 50.0
