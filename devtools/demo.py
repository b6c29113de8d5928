"""``make demo`` (``python -m devtools.demo``): the whole flow on an embedded moto server.

Starts moto on 127.0.0.1 (free port), renders ``config/local.yaml``, plans and applies it, seeds a
service (and its running tasks) per cluster, plans again and requires "no changes"
(``-detailed-exitcode`` 0), opens, lists and closes an exec window, audits the sample CloudTrail
records in ``docs/examples/`` and ends with a drift check that is in sync. The server is stopped at the end, also on failure or Ctrl-C.
No AWS account or network needed. Headings and progress on stderr; summaries on stdout.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

import click

from devtools.seed import seed_services
from ecs_exec.aws import ClientFactory
from ecs_exec.cli.common import setup_logging
from ecs_exec.cli.output import info
from ecs_exec.errors import ExitCode, OperatorError, TerraformError, exit_code_for
from generator.spec import EnvironmentSpec
from reconciler.audit.sample import sample_events

DEMO_ENV = "local"
#: CloudTrail records in the trail-log shape (no CloudTrail in moto): what `audit --events-file` reads
#: (the copy shipped as package data, equal to docs/examples/cloudtrail-exec-sample.json).
SAMPLE_EVENTS = Path(str(sample_events()))


def _heading(n: int, total: int, text: str) -> None:
    info("")
    info(click.style(f"[{n}/{total}] {text}", bold=True))


def _cli(name: str) -> str:
    """Path of our console script ``name`` (next to this interpreter, else on PATH)."""
    beside = Path(sys.executable).parent / name
    return str(beside) if beside.exists() else (shutil.which(name) or name)


def run_cli(args: Sequence[str]) -> int:
    """Run one of our commands as a user would; its stdout and stderr pass through. Returns its exit code."""
    info("$ " + " ".join(args))
    sys.stdout.flush()
    sys.stderr.flush()
    return subprocess.run([_cli(args[0]), *args[1:]]).returncode


def _expect(code: int, allowed: set[int], what: str) -> None:
    if code not in allowed:
        raise OperatorError(f"demo: {what} exited {code} (expected {sorted(allowed)})")


def run_demo() -> None:
    """The demo flow (see module docstring). The moto server is always stopped at the end.

    Raises:
        OperatorError: a step failed (its message says which).
    """
    from devtools.moto_server import start_server
    from generator.loader import load_config
    from tfrunner import pipeline as tf_flow
    from tfrunner.runner import find_terraform

    total = 9
    spec = load_config(DEMO_ENV)
    find_terraform()  # a missing terraform is reported before the server starts
    _heading(1, total, f"start the embedded AWS (moto server, account {spec.account_id})")
    server = start_server(account_id=spec.account_id)
    try:
        server.hold_tasks_running()
        for var in ("AWS_PROFILE", "AWS_DEFAULT_PROFILE"):  # a profile would win over the fake keys
            os.environ.pop(var, None)
        os.environ.update(server.env(region=spec.region))
        info(f"    AWS_ENDPOINT_URL={server.endpoint}")
        settings = tf_flow.Settings.from_environment(DEMO_ENV)  # TF_PLUGIN_DIR or a mirror found here

        _heading(2, total, "render config/local.yaml, fmt, checkov, terraform init + plan")
        target = tf_flow.load_target(DEMO_ENV, None)
        first = tf_flow.plan_env(target, settings)
        click.echo(first.summary_line())

        _heading(3, total, "terraform apply (the saved plan)")
        applied = tf_flow.apply_env(target, settings)
        click.echo(applied.summary_line())

        _heading(4, total, "seed a service with running tasks per cluster (boto3)")
        seeded = seed_services(spec, ClientFactory(spec.region))
        click.echo("seeded: " + ", ".join(f"{s.cluster}/{s.service}" for s in seeded))

        _heading(5, total, "terraform plan again: expect no changes (-detailed-exitcode 0)")
        # The tree was rendered and checked in step 2; this is Terraform's view only.
        second = tf_flow.plan_env(target, replace(settings, terraform_root=None))
        click.echo(second.summary_line())
        if second.terraform_exit_code != 0:
            raise TerraformError(f"demo: the second plan is not empty: {second.summary.line()}")

        cluster, service = _window_target(spec)
        _heading(6, total, f"open, list and close an exec window on {cluster}/{service}")
        opened = run_cli(
            ["exec-window", "open", "--env", DEMO_ENV, "--cluster", cluster, "--service", service]
            + ["--minutes", "30", "--reason", "demo", "--no-wait"]
        )
        _expect(opened, {0}, "exec-window open")
        _expect(run_cli(["exec-window", "list", "--env", DEMO_ENV]), {0}, "exec-window list")
        closed = run_cli(
            [
                "exec-window",
                "close",
                "--env",
                DEMO_ENV,
                "--cluster",
                cluster,
                "--service",
                service,
                "--no-wait",
            ]
        )
        _expect(closed, {0}, "exec-window close")

        _heading(7, total, f"audit the sample CloudTrail records ({SAMPLE_EVENTS.name}): flags expected")
        audited = run_cli(
            ["ecs-exec", "audit", "--env", DEMO_ENV, "--events-file", str(SAMPLE_EVENTS)]
            + ["--since", "2026-11-01T00:00:00Z"]
        )
        _expect(audited, {3}, "audit --events-file")

        _heading(8, total, "drift check (expect in sync)")
        _expect(run_cli(["ecs-exec", "drift", "check", "--env", DEMO_ENV]), {0}, "drift check")
    finally:
        _heading(total, total, "stop the moto server")
        server.stop()
    info("demo: done — applied, seeded, and the second plan showed no changes.")


def _window_target(spec: EnvironmentSpec) -> tuple[str, str]:
    """The first service of the first ``windowed`` cluster (``demo-app``/``api`` in config/local.yaml)."""
    for cl in spec.clusters:
        if cl.exec.mode.value == "windowed" and cl.services:
            return cl.name, cl.services[0].name
    raise OperatorError("config/local.yaml: clusters: the demo needs a windowed cluster with a service")


def main() -> None:
    """Entry point: one error line and the documented exit code on failure; 130 on Ctrl-C."""
    setup_logging(verbose=bool(os.environ.get("ECS_EXEC_DEBUG")))
    try:
        run_demo()
    except KeyboardInterrupt:
        info("demo: interrupted")
        sys.exit(int(ExitCode.INTERRUPTED))
    except Exception as exc:  # noqa: BLE001 - the one place the demo turns errors into exit codes
        code = exit_code_for(exc)
        if code is ExitCode.ERROR and os.environ.get("ECS_EXEC_DEBUG") and not isinstance(exc, OperatorError):
            raise
        info(f"demo: error: {exc}")
        sys.exit(int(code))


if __name__ == "__main__":
    main()
