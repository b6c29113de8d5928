"""Run checkov (its built-in Terraform checks plus this pack) on Terraform and return a :class:`ScanReport`.

checkov runs in-process (its Terraform ``Runner`` with our checks folder as ``external_checks_dir``,
found with importlib.resources): one interpreter start instead of a subprocess, the parsing errors
as a list of files, and checkov's records as objects rather than re-parsed output. Nothing is
downloaded (no platform API key is used). checkov's own stdout is redirected to stderr so that
``ecs-exec check --output sarif`` prints exactly one document.

Skips come from the committed skip file (:mod:`exec_checks.skips`) and are applied to checkov's
results afterwards, so every skip is reported with its reason.
"""

from __future__ import annotations

import contextlib
import logging
import os
import sys
from collections.abc import Iterator, Sequence
from importlib.resources import as_file
from pathlib import Path
from typing import Any

from ecs_exec.errors import ConfigError, InvalidValueError, OperatorError
from exec_checks import CHECK_PREFIX, checks_dir
from exec_checks.catalog import level_of, our_checks
from exec_checks.extra import require_checkov
from exec_checks.report import Finding, ScanReport, Skipped
from exec_checks.skips import SkipEntry, load_skips

__all__ = ["DEFAULT_SKIP_FILE", "Finding", "ScanReport", "Skipped", "scan"]

#: The committed skip file, relative to the working directory (the repository root); a missing
#: default file means "no skips", a missing file given explicitly is an error.
DEFAULT_SKIP_FILE = Path("checkov-skips.yaml")
log = logging.getLogger("exec_checks")


def scan(
    paths: Sequence[str | os.PathLike[str]] | str | os.PathLike[str],
    *,
    skip_file: str | os.PathLike[str] | None = DEFAULT_SKIP_FILE,
    our_checks_only: bool = False,
) -> ScanReport:
    """Scan Terraform directories (or ``.tf`` files) with checkov's built-ins and our ``ECSX_`` checks.

    ``paths``: directories or files as ``Path``, ``str`` or any path-like (one, or a sequence).
    ``skip_file`` (a path, ``str`` too) None: no skips. ``our_checks_only``: run only this pack's checks.
    Raises :class:`InvalidValueError` (exit 4) for a missing path or skip file,
    :class:`ConfigError` (exit 4) for an HCL syntax error (naming the file and line) or a bad skip
    file, :class:`~ecs_exec.errors.MissingExtraError` (exit 4) when checkov (the ``[check]`` extra) is
    not installed, :class:`OperatorError` when one of our checks crashed (a bug: never silently passed).
    """
    require_checkov()
    folders = [Path(p) for p in ([paths] if isinstance(paths, str | os.PathLike) else paths)]
    for path in folders:
        if not path.exists():
            raise InvalidValueError(f"{path}: no such file or directory")
        _require_terraform(path)
    skips = _skips(None if skip_file is None else Path(skip_file))
    records: list[Any] = []
    for path in folders:
        records += _run_checkov(path, our_checks_only)
    return _report(records, skips)


def _terraform_files(path: Path, pattern: str) -> list[Path]:
    return [p for p in path.rglob(pattern) if ".terraform" not in p.parts]


def _require_terraform(path: Path) -> None:
    """A directory with no ``.tf`` file is a mistake (a typo'd path would otherwise "pass"): exit 4.

    JSON Terraform (``.tf.json``, e.g. cdktf output) is not scanned: checkov's terraform runner reads
    HCL only; say so rather than pass silently.
    """
    if path.is_file():
        if path.name.endswith(".tf.json"):
            raise InvalidValueError(f"{path}: JSON Terraform (.tf.json) is not scanned; give .tf files")
        return
    json_files = _terraform_files(path, "*.tf.json")
    if not _terraform_files(path, "*.tf"):
        extra = (
            f" ({len(json_files)} .tf.json file(s) found: JSON Terraform is not scanned)"
            if json_files
            else ""
        )
        raise InvalidValueError(f"{path}: no Terraform (.tf) files found{extra}")
    if json_files:
        log.warning(
            "%s: %d .tf.json file(s) not scanned (JSON Terraform is not supported)", path, len(json_files)
        )


def _skips(skip_file: Path | None) -> list[SkipEntry]:
    if skip_file is None:
        return []
    if not skip_file.exists():
        if skip_file == DEFAULT_SKIP_FILE:
            return []
        raise InvalidValueError(f"{skip_file}: skip file not found")
    return load_skips(skip_file)


def _import_checkov() -> tuple[Any, Any]:
    from checkov.runner_filter import RunnerFilter
    from checkov.terraform.runner import Runner

    return Runner, RunnerFilter


def _run_checkov(path: Path, our_checks_only: bool) -> list[Any]:
    """checkov's failed, passed and skipped records for one directory or file."""
    from exec_checks.base import GRAPH_CHECK_ERRORS

    runner_cls, filter_cls = _import_checkov()
    runner_filter = filter_cls(
        framework=["terraform"],
        checks=[f"{CHECK_PREFIX}*"] if our_checks_only else None,
        show_progress_bar=False,
        download_external_modules=False,
    )
    with as_file(checks_dir()) as folder, contextlib.redirect_stdout(sys.stderr), _quiet_root_logger():
        runner = runner_cls()
        if path.is_dir():
            report = runner.run(
                root_folder=str(path), external_checks_dir=[str(folder)], runner_filter=runner_filter
            )
        else:
            report = runner.run(
                None, external_checks_dir=[str(folder)], files=[str(path)], runner_filter=runner_filter
            )
    reports = report if isinstance(report, list) else [report]
    for rep in reports:
        if rep.parsing_errors:
            raise ConfigError(syntax_error_message(Path(sorted(rep.parsing_errors)[0])))
    if GRAPH_CHECK_ERRORS:
        errors = "; ".join(GRAPH_CHECK_ERRORS)
        GRAPH_CHECK_ERRORS.clear()
        raise OperatorError(f"a policy check crashed: {errors}")
    return [r for rep in reports for r in rep.failed_checks + rep.passed_checks + rep.skipped_checks]


@contextlib.contextmanager
def _quiet_root_logger() -> Iterator[None]:
    """checkov logs progress (info) and its own parsing noise (warnings such as "Failed to find context
    for ..." on ``for_each`` keys) on the root logger: keep it to errors unless -v."""
    root = logging.getLogger()
    level = root.level
    if level > logging.DEBUG:
        root.setLevel(logging.ERROR)
    try:
        yield
    finally:
        root.setLevel(level)


def syntax_error_message(file: Path) -> str:
    """``<file>:<line>:<column>: HCL syntax error`` from the HCL parser checkov uses (one line).

    The input ending early (an unclosed ``{``, ``[`` or ``(``) says ``unexpected end of file`` and
    points at the innermost unclosed opener when the parser still holds it
    (``main.tf:1:18: HCL syntax error (unexpected end of file: '{' never closed)``), else at the
    file's last line.
    """
    where = _display(str(file))
    text = file.read_text(encoding="utf-8")
    try:
        import hcl2

        hcl2.loads(text)
    except Exception as exc:  # noqa: BLE001 - any parser error is the message we want
        line, column = getattr(exc, "line", None), getattr(exc, "column", None)
        if getattr(getattr(exc, "token", None), "type", None) == "$END":  # lark's end-of-input token
            opener = _unclosed_opener(exc)
            if opener is not None:
                return (
                    f"{where}:{opener.line}:{opener.column}: HCL syntax error "
                    f"(unexpected end of file: {str(opener)!r} never closed)"
                )
            return f"{where}:{max(1, len(text.splitlines()))}: HCL syntax error (unexpected end of file)"
        if line:
            return f"{where}:{line}:{column}: HCL syntax error (unexpected {_token(exc)})"
        return f"{where}: HCL syntax error ({str(exc).splitlines()[0] if str(exc) else type(exc).__name__})"
    return f"{where}: checkov could not parse this file"


def _unclosed_opener(exc: Exception) -> Any:
    """The innermost ``{``/``[``/``(`` token still open on lark's parser stack when the input ended
    (the stack's top-level tokens are the constructs not yet reduced), or None."""
    stack = getattr(getattr(exc, "state", None), "value_stack", None) or []
    openers = [v for v in stack if getattr(v, "type", None) in ("LBRACE", "LSQB", "LPAR")]
    return openers[-1] if openers else None


def _token(exc: Exception) -> str:
    token = getattr(exc, "token", None)
    if token is None:
        char = getattr(exc, "char", None)
        return repr(char) if char else "input"
    return repr(str(token))


def _display(file: str) -> str:
    """``file`` relative to the working directory when inside it, else absolute."""
    absolute = os.path.abspath(file)
    rel = os.path.relpath(absolute)
    return absolute if rel.startswith("..") else rel


def _finding(record: Any) -> Finding:
    severity = getattr(record, "severity", None)
    start, end = (list(record.file_line_range) + [0, 0])[:2]
    return Finding(
        check_id=record.check_id,
        check_name=record.check_name,
        resource=record.resource_address or record.resource,
        file=_display(record.file_abs_path),
        line_start=int(start or 0),
        line_end=int(end or 0),
        severity=getattr(severity, "name", None),
        level=level_of(record.check_id),
        message=record.check_name,
        hint=record.guideline,
    )


def _report(records: list[Any], skips: list[SkipEntry]) -> ScanReport:
    from checkov.common.models.enums import CheckResult

    failed: list[Finding] = []
    warnings: list[Finding] = []
    skipped: list[Skipped] = []
    passed: list[Finding] = []
    used: set[SkipEntry] = set()
    for record in records:
        result = record.check_result.get("result")
        finding = _finding(record)
        if result == CheckResult.PASSED:
            passed.append(finding)
            continue
        if result == CheckResult.SKIPPED:
            reason = record.check_result.get("suppress_comment") or "inline checkov:skip comment"
            skipped.append(Skipped(finding.check_id, finding.resource, finding.file, reason, "inline"))
            continue
        entry = next((s for s in skips if s.matches(finding.check_id, finding.resource)), None)
        if entry is not None:
            used.add(entry)
            skipped.append(
                Skipped(finding.check_id, finding.resource, finding.file, entry.reason, "skip-file")
            )
        elif finding.level == "warning":
            warnings.append(finding)
        else:
            failed.append(finding)
    # The skip file is shared by every environment and applied to any folder scanned, so an entry that
    # matches nothing here is normal: a debug line (-v), not a warning on every plan and check.
    for entry in skips:
        if entry not in used:
            log.debug(
                "skip file: %s%s matched no failed result",
                entry.id,
                f" on {entry.resource}" if entry.resource else "",
            )
    key = lambda f: (f.file, f.line_start, f.check_id, f.resource)  # noqa: E731
    return ScanReport(
        failed=sorted(set(failed), key=key),
        passed_results=sorted(passed, key=key),
        skipped=sorted(set(skipped), key=lambda s: (s.file, s.check_id, s.resource)),
        warnings=sorted(set(warnings), key=key),
        checks=tuple((c.check_id, c.message, c.hint, c.level) for c in our_checks()),
        root=os.getcwd(),
    )
