"""The sample CloudTrail file ships as package data, a byte-for-byte copy of the docs one."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from devtools import demo
from reconciler.audit.event_files import load_event_files
from reconciler.audit.sample import SAMPLE_NAME, sample_events, sample_events_path

REPO = Path(__file__).resolve().parents[2]
DOCS_SAMPLE = REPO / "docs" / "examples" / SAMPLE_NAME


def test_packaged_sample_equals_the_docs_copy() -> None:
    assert sample_events().read_bytes() == DOCS_SAMPLE.read_bytes()


def test_packaged_sample_reads_as_cloudtrail_records() -> None:
    with sample_events_path() as path:
        events = load_event_files([str(path)], "123456789012", "us-east-1", sys.stdin.buffer)
    assert (
        len(events.records) == 4
    )  # ExecuteCommand x3 + StartSession (README "Try it without an AWS account")


def test_module_prints_the_path_and_demo_uses_it() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "reconciler.audit.sample"],
        capture_output=True,
        text=True,
        check=True,
        cwd=REPO,
    ).stdout.strip()
    assert Path(out).read_bytes() == DOCS_SAMPLE.read_bytes()
    assert Path(out) == demo.SAMPLE_EVENTS
    assert "docs" not in demo.SAMPLE_EVENTS.parts
