"""Skip-file entries that match nothing in the scanned folder are normal (one skip file serves every
environment and any folder scanned): a debug line visible with -v, never a warning."""

from __future__ import annotations

import logging
import subprocess
import sys
from pathlib import Path

import pytest

from exec_checks.scan import _report
from exec_checks.skips import SkipEntry


def test_unmatched_skip_entry_is_a_debug_line(caplog: pytest.LogCaptureFixture) -> None:
    # Regression: "skip file: CKV_... matched no failed result" was a warning on every plan and check.
    caplog.set_level(logging.DEBUG, logger="exec_checks")
    _report([], [SkipEntry(id="CKV_AWS_158", reason="r", resource="aws_cloudwatch_log_group.exec")])
    notes = [r for r in caplog.records if "matched no failed result" in r.getMessage()]
    assert [(r.levelno, r.getMessage()) for r in notes] == [
        (logging.DEBUG, "skip file: CKV_AWS_158 on aws_cloudwatch_log_group.exec matched no failed result")
    ]


@pytest.mark.parametrize(("verbose", "shown"), [((), False), (("-v",), True)])
def test_check_shows_the_note_only_with_verbose(
    tmp_path: Path, verbose: tuple[str, ...], shown: bool
) -> None:
    (tmp_path / "main.tf").write_text('resource "aws_sqs_queue" "q" {\n  name = "q"\n}\n', encoding="utf-8")
    skips = tmp_path / "skips.yaml"
    skips.write_text("skips:\n  - id: CKV_AWS_999\n    reason: not here\n", encoding="utf-8")
    done = subprocess.run(
        [str(Path(sys.executable).parent / "ecs-exec"), *verbose, "check", str(tmp_path), "--ours-only"]
        + ["--skip-file", str(skips)],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert ("skip file: CKV_AWS_999 matched no failed result" in done.stderr) is shown, done.stderr
