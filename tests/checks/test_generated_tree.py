"""Our ECSX checks really evaluate the committed ``terraform/`` (PASSED, not UNKNOWN or absent).

One in-process scan of ``terraform/`` (``exec_checks.scan.scan``, skip file included), read through
``ScanReport.passed_results``. checkov reports no record at all for UNKNOWN, so "PASSED on the
resource" is the only way a check can vouch for it.

The expected results come from the shipped configs: per cluster of every environment, the cluster
checks on ``module.cluster_<name>.aws_ecs_cluster.this`` and the task-role checks on its exec
policy ``module.cluster_<name>.aws_iam_policy.this``; per operator, the operator checks on its
literal policy in the root's ``operators.tf`` (``aws_iam_role_policy.operator_<name>``). Addresses repeat across environments
(``module.cluster_payments`` in stg and prd): the checks key blocks by root folder and address, so
each resolves its own environment's blocks; checkov merges equal records, so each address is
expected to pass once per module folder (cluster module variant) that renders it.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from exec_checks.report import ScanReport
from exec_checks.scan import scan
from generator.loader import available_envs, load_config
from generator.render import ClusterModule, resource_names

REPO_ROOT = Path(__file__).resolve().parents[2]

CLUSTER_CHECKS = ("ECSX_001", "ECSX_002", "ECSX_003", "ECSX_004", "ECSX_005", "ECSX_017")
TASK_ROLE_CHECKS = ("ECSX_007", "ECSX_008", "ECSX_009")
OPERATOR_CHECKS = ("ECSX_014", "ECSX_015", "ECSX_016", "ECSX_021", "ECSX_022")


@pytest.fixture(scope="module")
def scanned() -> ScanReport:
    """One scan of ``terraform/`` with the committed skip file (relative to the repository root)."""
    mp = pytest.MonkeyPatch()
    mp.chdir(REPO_ROOT)  # the default skip file is relative to the working directory
    try:
        return scan([Path("terraform")])
    finally:
        mp.undo()


def _expected() -> list[tuple[str, str, int]]:
    """(check id, address, how many distinct PASSED records)."""
    files: dict[tuple[str, str], set[str]] = {}
    for env in available_envs():
        spec = load_config(env)
        variant = ClusterModule.for_spec(spec).name
        for cl in spec.clusters:
            for check in CLUSTER_CHECKS:
                files.setdefault((check, f"module.cluster_{cl.name}.aws_ecs_cluster.this"), set()).add(
                    variant
                )
            for check in TASK_ROLE_CHECKS:
                files.setdefault((check, f"module.cluster_{cl.name}.aws_iam_policy.this"), set()).add(variant)
        names = [op.name for op in spec.access.operators]
        for resource in resource_names(names, "operator"):
            for check in OPERATOR_CHECKS:
                files.setdefault((check, f"aws_iam_role_policy.{resource}"), set()).add(env)
    return [(check, address, len(where)) for (check, address), where in sorted(files.items())]


def _params() -> list[Any]:
    return [pytest.param(check, address, n, id=f"{check}-{address}") for check, address, n in _expected()]


@pytest.mark.parametrize(("check", "address", "records"), _params())
def test_check_passes_on_generated_resource(
    scanned: ScanReport, check: str, address: str, records: int
) -> None:
    passed = [f for f in scanned.passed_results if f.check_id == check and f.resource == address]
    assert len(passed) == records, (check, address, passed)


def test_nothing_fails(scanned: ScanReport) -> None:
    assert scanned.failed == []
    assert scanned.warnings == []
    expected: Counter[str] = Counter()
    for check, _, n in _expected():
        expected[check] += n
    passed = Counter(f.check_id for f in scanned.passed_results)
    # Every cluster of every environment: the session key check evaluates (it was UNKNOWN on all).
    assert passed["ECSX_003"] == expected["ECSX_003"] >= len(available_envs())
    assert passed["ECSX_009"] == expected["ECSX_009"]


def _passed_on(scanned: ScanReport, check: str) -> set[str]:
    return {f.resource for f in scanned.passed_results if f.check_id == check}


def test_generated_guard_closes_every_door(scanned: ScanReport) -> None:
    # ECSX_019 evaluates the rendered guard (all six actions, StringEquals): PASSED, not UNKNOWN.
    assert "module.access.aws_iam_policy.guard" in _passed_on(scanned, "ECSX_019")


def test_generated_scp_closes_every_door(scanned: ScanReport) -> None:
    # The optional SCP root (prd) is a guard for everyone else: ECSX_019 judges it too.
    assert "aws_organizations_policy.this" in _passed_on(scanned, "ECSX_019")


@pytest.fixture(scope="module")
def per_env() -> dict[str, ScanReport]:
    """One scan (our checks only) per environment root: the module's roles (``module.access.*``,
    one module folder) would otherwise merge into one record across environments."""
    return {
        env: scan([REPO_ROOT / "terraform" / "envs" / env], skip_file=None, our_checks_only=True)
        for env in available_envs()
    }


@pytest.mark.parametrize("env", available_envs())
def test_trust_and_kms_checks_evaluate_every_generated_role(per_env: dict[str, ScanReport], env: str) -> None:
    """ECSX_023 PASSED on every role that hands out exec (each operator role, the exec-window role,
    the drift role: trusts.tf writes each trust policy out) and ECSX_021 on every operator policy
    (its keys come through module outputs): PASSED, so neither is UNKNOWN (no record)."""
    report = per_env[env]
    assert report.failed == []
    names = [op.name for op in load_config(env).access.operators]
    assert names, env
    roles = {f'module.access.aws_iam_role.operator["{n}"]' for n in names}
    roles |= {"module.access.aws_iam_role.window", "module.access.aws_iam_role.drift"}
    assert _passed_on(report, "ECSX_023") == roles
    policies = {f"aws_iam_role_policy.{r}" for r in resource_names(names, "operator")}
    assert _passed_on(report, "ECSX_021") == policies
