"""A policy names keys through module outputs of several calls of one module (``roots/module_outputs``).

checkov wires every ``module.<call>.kms_key_arn`` of one file to the first call's output and renders
each as the same ``aws_kms_key.this.arn``; ``exec_checks.outputs`` reads the policy's own text to
resolve each reference in the call it names. Without it ECSX_021 was UNKNOWN on all four policies
(and a guess through the graph edge would have passed ``fail_alpha_beta_key``).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from exec_checks.report import ScanReport
from exec_checks.scan import scan

ROOT = Path(__file__).parent / "roots" / "module_outputs"


@pytest.fixture(scope="module")
def report() -> ScanReport:
    return scan([ROOT], skip_file=None, our_checks_only=True)


def test_each_key_resolves_in_the_call_it_names(report: ScanReport) -> None:
    failed = {f.resource for f in report.failed if f.check_id == "ECSX_021"}
    passed = {f.resource for f in report.passed_results if f.check_id == "ECSX_021"}
    assert failed == {"aws_iam_policy.fail_beta_alpha_key", "aws_iam_policy.fail_alpha_beta_key"}
    assert passed == {"aws_iam_policy.pass_beta_own_key", "aws_iam_policy.pass_both_keys"}
