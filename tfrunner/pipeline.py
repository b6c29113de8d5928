"""The plan and apply pipelines of ``ecs-exec plan`` / ``ecs-exec apply`` (and ``make demo``).

plan: render (write ``terraform/``) -> ``terraform fmt -check`` -> checkov on the rendered tree
-> sync the working copy ``build/<env>/tf`` -> choose the backend (local state against a moto
server) -> ``terraform init`` -> ``terraform plan -detailed-exitcode -out`` -> ``plan.json`` +
fingerprint sidecar.

apply: apply the saved plan when its fingerprint (rendered tree, config text, endpoint) still
matches; otherwise plan first. A plan Terraform calls stale (state moved) is re-planned once,
never forced.

Progress lines go to stderr; the callers print data on stdout.
"""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ecs_exec.console import info
from ecs_exec.errors import FindingsError
from generator.spec import EnvironmentSpec
from tfrunner.runner import (
    AccountNotAllowedError,
    PlanSummary,
    StalePlanError,
    TerraformRunner,
    find_terraform,
    plugin_dir_from_env,
    summarize_plan,
)
from tfrunner.workspace import PlanInputs, Workspace, endpoint_from_env

Progress = Callable[[str], None]

#: The committed checkov skip file (each skipped id with a reason), at the repository root.
SKIP_FILE_NAME = "checkov-skips.yaml"

#: Why there is no saved plan after a plan without changes (``build/<env>/plan.discarded``): the
#: next apply prints ``==> <this>: planning first`` and plans again (the world may have moved since).
NO_CHANGES_NOTE = "no saved plan: the last plan had no changes (nothing to apply)"

#: Appended to the summary line of a plan or apply made with ``--skip-checks`` (said loudly).
CHECKS_SKIPPED = "WARNING: policy checks SKIPPED (--skip-checks)"


def _step(progress: Progress, text: str) -> None:
    progress(f"==> {text}")


@dataclass(frozen=True)
class Target:
    """One environment ready to plan: its spec, config file and rendered tree.

    ``files`` maps paths relative to ``terraform/`` (``envs/<env>/main.tf``, ``modules/...``)
    to file contents.
    """

    spec: EnvironmentSpec
    config_path: Path
    config_text: str
    files: Mapping[str, str]

    @property
    def env(self) -> str:
        return self.spec.environment


@dataclass(frozen=True)
class Settings:
    """Where and how to run: build workspace, moto endpoint, provider mirror, repo tree to write."""

    workspace: Workspace
    endpoint: str | None = None
    plugin_dir: str | None = None
    terraform_root: Path | None = None  #: write the render here and fmt/checkov it (None: tests)
    run_checks: bool = True  #: False with a terraform_root: ``--skip-checks`` (the summary says so)
    progress: Progress = field(default=info)

    @property
    def checks_skipped(self) -> bool:
        """The tree is written but not scanned (``--skip-checks``)."""
        return self.terraform_root is not None and not self.run_checks

    @classmethod
    def from_environment(
        cls, env: str, environ: Mapping[str, str] | None = None, *, skip_checks: bool = False
    ) -> Settings:
        """CLI defaults: ``build/<env>``, ``$AWS_ENDPOINT_URL``, ``<repo>/terraform``, and the provider
        mirror of :func:`~tfrunner.runner.plugin_dir_from_env` (``$TF_PLUGIN_DIR``, else one found here);
        ``skip_checks``: no policy checks (``plan --skip-checks``)."""
        from generator.project import terraform_root

        environ = os.environ if environ is None else environ
        return cls(
            workspace=Workspace.for_env(env, environ),
            endpoint=endpoint_from_env(environ),
            plugin_dir=plugin_dir_from_env(environ),
            terraform_root=terraform_root(environ),
            run_checks=not skip_checks,
        )


#: Version of the ``-o json`` documents of ``plan`` / ``apply`` (bumped when a key is renamed or removed).
SCHEMA_VERSION = 1


@dataclass(frozen=True)
class PlanResult:
    """What a plan produced. ``terraform_exit_code`` is Terraform's ``-detailed-exitcode`` (0 no
    changes, 2 changes) — not the exit code of ``ecs-exec plan``, which is 0 either way."""

    env: str
    terraform_exit_code: int
    summary: PlanSummary
    plan_file: Path | None  #: None when there were no changes (such a plan is not kept)
    plan_json: Path
    checks_skipped: bool = False  #: made with ``--skip-checks``: no policy checks ran

    def _flagged(self, line: str) -> str:
        return f"{line} {CHECKS_SKIPPED}" if self.checks_skipped else line

    @property
    def changes(self) -> bool:
        return self.terraform_exit_code == 2

    def summary_line(self) -> str:
        """What ``ecs-exec plan`` prints on stdout: ``<env>: Plan: [N to import, ]N to add, N to
        change, N to destroy.`` or ``<env>: No changes.``, then :data:`CHECKS_SKIPPED` after
        ``--skip-checks``."""
        return self._flagged(f"{self.env}: {self.summary.line()}")

    def as_dict(self) -> dict[str, Any]:
        """The ``plan -o json`` document: ``schema_version``, ``environment``, ``terraform_exit_code``,
        ``plan_file`` (null when there were no changes: such a plan is not kept), ``plan_json`` and the summary (``add``, ``change``, ``destroy``, ``import``,
        ``changes``, ``resources``: ``[{address, action}]``) and ``checks_skipped`` (``--skip-checks``)."""
        return {
            "schema_version": SCHEMA_VERSION,
            "environment": self.env,
            "terraform_exit_code": self.terraform_exit_code,
            "plan_file": None if self.plan_file is None else str(self.plan_file),
            "plan_json": str(self.plan_json),
            "checks_skipped": self.checks_skipped,
            **self.summary.as_dict(),
        }


def load_target(env: str | None, config: str | None) -> Target:
    """Load and validate the config, then render it in memory (nothing written yet).

    Raises:
        ConfigError: missing or invalid config (exit 4), before any file is written.
    """
    from generator.loader import config_path, load_config
    from tfrunner.render import render_files

    spec = load_config(env, config)
    path = config_path(env, config)
    text = path.read_text(encoding="utf-8")
    return Target(spec, path, text, render_files(spec, path))


def _write_and_check(target: Target, settings: Settings) -> None:
    root = settings.terraform_root
    if root is None:
        return
    from generator.render import write_rendered

    _step(settings.progress, f"render {target.config_path.name} -> {root}")
    write_rendered(dict(target.files), root)
    _step(settings.progress, f"terraform fmt -check -recursive {root}")
    TerraformRunner(root).fmt_check(root)
    if settings.run_checks:
        # The root alone: checkov follows its local module calls, so findings carry the module
        # address (module.cluster_<name>...) the skip file names, evaluated with this env's values.
        scan_tree([root / "envs" / target.env], settings.progress)
    else:
        _step(settings.progress, f"{CHECKS_SKIPPED}: checkov and our ECSX_ checks did not run")


def scan_tree(paths: list[Path], progress: Progress) -> None:
    """checkov (built-in and our checks) on ``paths``; skips come from the committed skip file.

    Raises:
        FindingsError: a failed check not in the skip file (exit 3).
        MissingExtraError / ConfigError: from the scanner (no ``[check]`` extra, bad skip file; exit 4).
    """
    from exec_checks.scan import scan
    from generator.project import skip_file as project_skip_file

    skip_file = project_skip_file()
    _step(progress, "checkov " + " ".join(str(p) for p in paths))
    report = scan(paths, skip_file=skip_file if skip_file.is_file() else None)
    failed = list(report.failed)
    for f in failed:
        progress(f"  FAILED {_finding_text(f)}")
    if failed:
        ids = sorted({str(getattr(f, "check_id", f)) for f in failed})
        raise FindingsError(
            f"checkov: {len(failed)} failed check(s): {', '.join(ids)}",
            hint=f"fix the generator or list the id with a reason in {SKIP_FILE_NAME}",
        )


def _finding_text(f: Any) -> str:
    parts = [getattr(f, a, None) for a in ("check_id", "resource", "file", "message")]
    return " ".join(str(p) for p in parts if p) or str(f)


def _preflight(target: Target, settings: Settings) -> None:
    """Before anything is written: the note when ``$AWS_REGION`` differs from the config's region (the
    rendered provider uses the config's); without checkov (the ``[check]`` extra) a run that would scan
    is exit 4, naming the extra and ``--skip-checks``."""
    from ecs_exec.aws import region_note

    note = region_note(target.spec.region)
    if note:
        settings.progress(note)
    if settings.terraform_root is not None and settings.run_checks:
        from exec_checks.extra import require_checkov

        require_checkov(alternative="run with --skip-checks")


def plan_env(target: Target, settings: Settings) -> PlanResult:
    """Render, check, init and plan ``target``; write ``plan.tfplan``, ``plan.json`` and the sidecar.

    A plan without changes keeps only ``plan.json``: ``plan.tfplan`` is dropped with the note
    :data:`NO_CHANGES_NOTE` (the next apply plans again and says why).

    Holds the workspace lock (another run on the same ``build/<env>`` waits).

    Raises:
        FindingsError: fmt or checkov finding (exit 3).
        TerraformError: init or plan failed (Terraform's error lines in the message).
        AwsError: the credentials' account is not the config's ``account_id`` (exit 5).
        ToolMissingError: terraform missing.
        MissingExtraError: checkov (the ``[check]`` extra) missing and checks not skipped (exit 4).
    """
    find_terraform()  # fails early (before writing anything) when terraform is missing
    _preflight(target, settings)
    with settings.workspace.lock(settings.progress), _account_named(target, settings):
        return _plan(target, settings)


@contextlib.contextmanager
def _account_named(target: Target, settings: Settings) -> Iterator[None]:
    """Turn the provider's ``allowed_account_ids`` refusal into a line naming both accounts (exit 5)."""
    try:
        yield
    except AccountNotAllowedError as exc:
        expected = target.spec.account_id
        if settings.endpoint:
            hint = f"the server at {settings.endpoint} answers as {exc.account_id}: start one with MOTO_ACCOUNT_ID={expected}"
        else:
            hint = f"use credentials of account {expected} (AWS_PROFILE)"
        raise AccountNotAllowedError(
            f"account_id: {target.config_path.name} expects AWS account {expected} but the credentials "
            f"are for {exc.account_id} (Terraform refused them: allowed_account_ids)",
            account_id=exc.account_id,
            hint=hint,
        ) from None


def _plan(target: Target, settings: Settings) -> PlanResult:
    ws = settings.workspace
    _write_and_check(target, settings)
    ws.sync(target.files)
    if ws.set_backend(settings.endpoint):
        settings.progress(
            f"    new endpoint {settings.endpoint}: {target.env} starts from an empty local state"
        )
    if settings.endpoint:
        settings.progress(f"    against {settings.endpoint}: local state {ws.state_path(settings.endpoint)}")
    ws.discard_plan("no saved plan: the last plan failed or was interrupted")
    runner = TerraformRunner(ws.workdir)
    mirror = f" -plugin-dir={settings.plugin_dir}" if settings.plugin_dir else ""
    _step(settings.progress, f"terraform init{mirror} (in {ws.workdir})")
    runner.init(settings.plugin_dir)
    _step(settings.progress, "terraform plan -detailed-exitcode -out")
    try:
        outcome = runner.plan(ws.plan_file)
    except BaseException:  # failed (TerraformError, AwsError) or interrupted: never leave a plan behind
        ws.discard_plan()  # Terraform saves an errored plan with -out; it can never be applied
        raise
    plan = runner.show_json(ws.plan_file)
    ws.plan_json.write_text(json.dumps(plan, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    summary = summarize_plan(plan)
    if not outcome.changes:
        # A plan without changes is never applied: drop it, so apply says so instead of "fresh".
        ws.discard_plan(NO_CHANGES_NOTE)
        settings.progress(f"    no changes: no plan saved  JSON: {ws.plan_json}")
        return PlanResult(target.env, outcome.exit_code, summary, None, ws.plan_json, settings.checks_skipped)
    inputs = PlanInputs.of(target.files, target.config_text, settings.endpoint)
    meta = {"terraform_exit_code": outcome.exit_code, "summary": summary.as_dict()}
    ws.write_plan_meta(inputs, {**meta, "checks_skipped": settings.checks_skipped})
    settings.progress(f"    plan: {ws.plan_file}  JSON: {ws.plan_json}")
    return PlanResult(
        target.env, outcome.exit_code, summary, ws.plan_file, ws.plan_json, settings.checks_skipped
    )


@dataclass(frozen=True)
class ApplyResult:
    """What apply did: the plan it applied (``applied`` False when there was nothing to do)."""

    plan: PlanResult
    applied: bool

    def as_dict(self) -> dict[str, Any]:
        return {**self.plan.as_dict(), "applied": self.applied}

    def summary_line(self, *, dry_run: bool = False) -> str:
        """What ``ecs-exec apply`` prints on stdout: ``<env>: Apply complete: [N imported, ]N added,
        N changed, N destroyed.``, ``<env>: Would apply: Plan: ...`` (``dry_run`` with changes) or
        ``<env>: No changes. Nothing to apply.``"""
        s = self.plan.summary
        if self.applied:
            imported = f"{s.import_} imported, " if s.import_ else ""
            line = f"Apply complete: {imported}{s.add} added, {s.change} changed, {s.destroy} destroyed."
        elif dry_run and s.changes:
            line = f"Would apply: {s.line()}"
        else:
            line = "No changes. Nothing to apply."
        return self.plan._flagged(f"{self.plan.env}: {line}")


def _saved_plan(target: Target, settings: Settings) -> PlanResult:
    ws = settings.workspace
    meta = json.loads(ws.plan_meta.read_text(encoding="utf-8"))
    plan = json.loads(ws.plan_json.read_text(encoding="utf-8"))
    return PlanResult(
        target.env,
        int(meta.get("terraform_exit_code", 2)),
        summarize_plan(plan),
        ws.plan_file,
        ws.plan_json,
        bool(meta.get("checks_skipped", False)),
    )


def apply_env(target: Target, settings: Settings, *, dry_run: bool = False) -> ApplyResult:
    """Apply the saved plan of ``target`` when fresh, else plan first; never a stale plan.

    Holds the workspace lock for the whole plan-and-apply. ``dry_run``: stop before ``terraform
    apply`` (the fresh plan stays saved, so the next apply uses it).

    Raises:
        TerraformError: apply failed; StalePlanError only if the re-made plan is stale again.
        AwsError: the credentials' account is not the config's ``account_id`` (exit 5).
    """
    find_terraform()
    _preflight(target, settings)
    with settings.workspace.lock(settings.progress), _account_named(target, settings):
        return _apply(target, settings, dry_run)


def _apply(target: Target, settings: Settings, dry_run: bool) -> ApplyResult:
    ws = settings.workspace
    if ws.set_backend(settings.endpoint):
        settings.progress(
            f"    new endpoint {settings.endpoint}: {target.env} starts from an empty local state"
        )
    status = ws.plan_status(PlanInputs.of(target.files, target.config_text, settings.endpoint))
    saved = _saved_plan(target, settings) if status.fresh else None
    if saved is not None and saved.checks_skipped and settings.run_checks:
        _step(settings.progress, "the saved plan was made with --skip-checks: planning first")
        result = _plan(target, settings)
    elif saved is not None:
        _step(settings.progress, f"using the saved plan {ws.plan_file} (fresh)")
        result = saved
    else:
        _step(settings.progress, f"{status.reason}: planning first")
        result = _plan(target, settings)
    if not result.changes:
        settings.progress("    no changes: nothing to apply")
        ws.discard_plan(NO_CHANGES_NOTE)
        return ApplyResult(result, applied=False)
    if dry_run:
        settings.progress(f"    dry run: not applying {ws.plan_file} ({result.summary.line()})")
        return ApplyResult(result, applied=False)
    runner = TerraformRunner(ws.workdir)
    _step(settings.progress, f"terraform apply {ws.plan_file.name} ({result.summary.line()})")
    try:
        runner.apply(ws.plan_file)
    except StalePlanError:
        settings.progress("    Terraform says the saved plan is stale (state moved): planning again")
        result = _plan(target, settings)
        if result.changes:
            TerraformRunner(ws.workdir).apply(ws.plan_file)
    ws.discard_plan("no saved plan: the last one was applied")  # a saved plan is used once
    return ApplyResult(result, applied=result.changes)
