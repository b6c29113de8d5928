"""Client checks: the AWS CLI and the Session Manager plugin on this machine."""

from __future__ import annotations

from reconciler.preflight.context import Context
from reconciler.preflight.model import Outcome, fail, passed, warn
from reconciler.preflight.tools import (
    AWS_CLI_INSTALL_HINT,
    MIN_AWS_CLI,
    PLUGIN_INSTALL_HINT,
    aws_cli_supports_exec,
    fmt_version,
    parse_aws_cli_version,
)


def client_aws_cli(ctx: Context) -> Outcome:
    """AWS CLI present and new enough for ``ecs execute-command`` (``aws --version``)."""
    path = ctx.tools.which("aws")
    if path is None:
        return warn(
            "aws (AWS CLI) not found on PATH: `aws ecs execute-command` is not available",
            AWS_CLI_INSTALL_HINT,
        )
    code, out = ctx.tools.run([path, "--version"])
    version = parse_aws_cli_version(out)
    if code != 0 or version is None:
        return warn(
            f"`aws --version` gave no version (exit {code}): {out.strip()[:80]}", AWS_CLI_INSTALL_HINT
        )
    if not aws_cli_supports_exec(version):
        minimum = fmt_version(MIN_AWS_CLI.get(version[0], MIN_AWS_CLI[2]))
        return fail(
            f"AWS CLI {fmt_version(version)} has no `ecs execute-command` (needs >= {minimum})",
            AWS_CLI_INSTALL_HINT,
        )
    return passed(f"AWS CLI {fmt_version(version)} at {path}")


def client_session_manager_plugin(ctx: Context) -> Outcome:
    """``session-manager-plugin`` on PATH (the most common failure: the CLI needs it for every session)."""
    path = ctx.tools.which("session-manager-plugin")
    if path is None:
        return fail(
            "session-manager-plugin not found on PATH: every execute-command fails", PLUGIN_INSTALL_HINT
        )
    code, out = ctx.tools.run([path, "--version"])
    first = out.strip().splitlines()[0][:120] if out.strip() else ""
    if code != 0:  # e.g. a binary for another architecture ("Exec format error"), or a broken install
        return warn(
            f"session-manager-plugin at {path} does not run (`--version` exit {code}): {first or 'no output'}",
            PLUGIN_INSTALL_HINT,
        )
    return passed(f"session-manager-plugin {first or 'version unknown'} at {path}")
