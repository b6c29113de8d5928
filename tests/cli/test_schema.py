"""``ecs-exec schema``: a JSON Schema that names its dialect, and that the committed configs satisfy."""

from __future__ import annotations

import json
from pathlib import Path

import yaml
from click.testing import CliRunner
from jsonschema import Draft202012Validator

from ecs_exec.cli import main

REPO = Path(__file__).resolve().parents[2]


def test_schema_declares_the_2020_12_dialect_id_and_title() -> None:
    # Regression: the output had no $schema keyword, so validators had to guess the draft.
    result = CliRunner().invoke(main, ["schema"])
    assert result.exit_code == 0, result.output
    schema = json.loads(result.stdout)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["$id"].startswith("urn:ecs-exec-operator:")
    assert "config/<env>.yaml" in schema["title"]
    Draft202012Validator.check_schema(schema)
    validator = Draft202012Validator(schema)
    for config in sorted((REPO / "config").glob("*.yaml")):
        errors = list(validator.iter_errors(yaml.safe_load(config.read_text(encoding="utf-8"))))
        assert not errors, (config.name, errors[0].message)
    assert list(validator.iter_errors({"environment": "x"}))  # the schema does reject something
