from __future__ import annotations

from pathlib import Path

import pytest

from ecs_exec.errors import ConfigError, ExitCode
from generator.loader import load_config, parse_config

REPO = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("env", ["local", "stg", "prd"])
def test_shipped_configs_load(env: str) -> None:
    spec = load_config(env)
    assert spec.environment == env
    assert spec.exec_log_group_name(spec.clusters[0].name) == f"/ecs-exec/{env}/{spec.clusters[0].name}"


def test_enum_error_names_yaml_path() -> None:
    text = (REPO / "config/local.yaml").read_text().replace("mode: never", "mode: sometimes")
    with pytest.raises(ConfigError) as err:
        parse_config(text, "local.yaml")
    assert str(err.value) == "local.yaml: clusters[1].exec.mode: must be one of never, windowed, always"
    assert err.value.exit_code is ExitCode.INVALID
