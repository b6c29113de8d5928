"""Two roots of one scanned tree hold the same module address: each resolves its own blocks.

``roots/same_address``: ``envs/stg`` and ``envs/prd`` both call ``module "cluster"`` (the same
module, their own log group, bucket, key and a task role of the same name); ``envs/dev`` calls a
``module "cluster"`` whose task-role policy names stg's log group instead of its own. Before blocks
were keyed by their root folder too, stg and prd resolved each other's log group and bucket
(false ECSX_007 / ECSX_008 failures) and dev's policy passed on stg's cluster.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from exec_checks.report import ScanReport
from exec_checks.scan import scan

ROOTS = Path(__file__).parent / "roots" / "same_address"
POLICY = "module.cluster.aws_iam_policy.this"


@pytest.fixture(scope="module")
def report() -> ScanReport:
    """One scan (our checks only) of the whole folder, every root at once."""
    return scan([ROOTS], skip_file=None, our_checks_only=True)


def test_only_the_foreign_policy_fails(report: ScanReport) -> None:
    failed = {(f.check_id, f.resource, Path(f.file).parent.name) for f in report.failed}
    assert failed == {("ECSX_007", POLICY, "cluster-foreign")}
    assert report.warnings == []


@pytest.mark.parametrize("check", ["ECSX_007", "ECSX_008", "ECSX_009"])
def test_stg_and_prd_pass_on_their_own_blocks(report: ScanReport, check: str) -> None:
    """stg's and prd's policy (one module file, one address: checkov merges their equal PASSED
    records into one) pass; a result on another root's blocks would have failed."""
    passed = [
        f
        for f in report.passed_results
        if f.check_id == check and f.resource == POLICY and Path(f.file).parent.name == "cluster"
    ]
    assert len(passed) == 1
