"""``ecs-exec check PATH``: checkov's built-ins plus our ECS Exec policy pack (:mod:`exec_checks`).

Exit 3 when anything fails (warnings do not), 0 otherwise; 4 for a missing path, a bad skip file
or an HCL syntax error. ``--output sarif`` prints exactly one SARIF 2.1.0 document on stdout.
"""

from __future__ import annotations

from pathlib import Path

import click

from ecs_exec.cli.common import project_dir_option, run_exit
from ecs_exec.cli.output import Document, Table, emit, info
from ecs_exec.errors import ExitCode

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
    help="Skip file (default: checkov-skips.yaml in the project root, when present).",
)
@click.option("--no-skips", is_flag=True, help="Ignore the skip file.")
@project_dir_option
@click.option("--ours-only", is_flag=True, help="Run only our ECSX_ checks (not checkov's built-ins).")
@click.option(
    "--changed-files",
    is_flag=True,
    help="PATHS are changed files (as pre-commit passes them): check the folders holding the .tf ones.",
)
def check(
    paths: tuple[Path, ...],
    output: str,
    skip_file: Path | None,
    no_skips: bool,
    ours_only: bool,
    changed_files: bool,
) -> None:
    """Run the policy checks on Terraform under PATHS (default terraform/); exit 3 when anything fails."""
    from exec_checks.scan import scan

    if changed_files:
        from exec_checks.changed import changed_folders

        paths = tuple(changed_folders(paths, search_root=Path.cwd()))
        if not paths:
            info("no Terraform (.tf) file changed: nothing to check")
            return
    from generator.project import skip_file as project_skip_file

    default = project_skip_file()
    skips = None if no_skips else (skip_file or (default if default.is_file() else None))
    from generator.project import terraform_root

    report = scan(list(paths) or [terraform_root()], skip_file=skips, our_checks_only=ours_only)
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
    sarif = report.to_sarif() if output == "sarif" else None
    emit(output, Document("check", None, report.to_json(), tables=[Table(rows, COLUMNS)], sarif=sarif))
    if output == "table":
        info(
            f"{len(report.failed)} failed, {len(report.warnings)} warnings, {report.passed} passed, "
            f"{len(report.skipped)} skipped"
        )
    run_exit(ExitCode.OK if report.ok else ExitCode.FINDINGS)
