"""``ecs-exec check PATH``: checkov's built-ins plus our ECS Exec policy pack (:mod:`exec_checks`).

Exit 3 when anything fails (warnings do not), 0 otherwise; 4 for a missing path, a bad skip file
or an HCL syntax error. ``--output sarif`` prints exactly one SARIF 2.1.0 document on stdout.
"""

from __future__ import annotations

from pathlib import Path

import click

from ecs_exec.cli_common import run_exit
from ecs_exec.errors import ExitCode
from ecs_exec.output import emit_json, emit_table, info

COLUMNS = ("level", "check_id", "resource", "file", "lines", "message")


@click.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "--output", "-o", type=click.Choice(["table", "json", "sarif"]), default="table", show_default=True
)
@click.option(
    "--skip-file",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Skip file (default: checkov-skips.yaml in the working directory, when present).",
)
@click.option("--no-skips", is_flag=True, help="Ignore the skip file.")
@click.option("--ours-only", is_flag=True, help="Run only our ECSX_ checks (not checkov's built-ins).")
def check(
    paths: tuple[Path, ...], output: str, skip_file: Path | None, no_skips: bool, ours_only: bool
) -> None:
    """Run the policy checks on Terraform under PATHS (default terraform/); exit 3 when anything fails."""
    from exec_checks.scan import DEFAULT_SKIP_FILE, scan

    skips = None if no_skips else (skip_file or DEFAULT_SKIP_FILE)
    report = scan(list(paths) or [Path("terraform")], skip_file=skips, our_checks_only=ours_only)
    if output == "sarif":
        emit_json(report.to_sarif())
    elif output == "json":
        emit_json(report.to_json())
    else:
        rows = [
            {
                "level": f.level,
                "check_id": f.check_id,
                "resource": f.resource,
                "file": f.file,
                "lines": f"{f.line_start}-{f.line_end}",
                "message": f.message + (f" -- fix: {f.hint}" if f.hint and f.ours else ""),
            }
            for f in report.failed + report.warnings
        ]
        if rows:
            emit_table(rows, COLUMNS)
        info(
            f"{len(report.failed)} failed, {len(report.warnings)} warnings, {report.passed} passed, "
            f"{len(report.skipped)} skipped"
        )
    run_exit(ExitCode.OK if report.ok else ExitCode.FINDINGS)
