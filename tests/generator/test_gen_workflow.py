"""`.github/workflows/nightly-drift.yml` as shipped can assume the drift role the configs render."""

from __future__ import annotations

from pathlib import Path

import yaml

from generator.loader import load_config

WORKFLOW = Path(__file__).resolve().parents[2] / ".github/workflows/nightly-drift.yml"


def test_each_job_matches_its_drift_role_trust() -> None:
    job = yaml.safe_load(WORKFLOW.read_text())["jobs"]["drift"]
    # The OIDC `sub` is repo:<repo>:environment:<env> only when the job declares its environment.
    assert job["environment"] == "${{ matrix.env }}"
    steps = [
        s for s in job["steps"] if str(s.get("uses", "")).startswith("aws-actions/configure-aws-credentials")
    ]
    assert steps and steps[0]["with"]["role-to-assume"] == "${{ matrix.role }}"
    matrix = job["strategy"]["matrix"]["include"]
    assert {m["env"] for m in matrix} == {"stg", "prd"}
    for m in matrix:
        spec = load_config(m["env"])
        assert m["role"] == spec.role_arn(spec.drift_role_name)
        assert m["region"] == spec.region
        oidc = spec.drift.github_oidc
        assert oidc is not None and oidc.environment == m["env"]
        assert oidc.subject == f"repo:{oidc.repository}:environment:{m['env']}"
