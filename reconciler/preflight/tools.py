"""The client side of ECS Exec: the AWS CLI and the Session Manager plugin on this machine.

``aws ecs execute-command`` needs AWS CLI v1 >= 1.19.28 or v2 >= 2.1.30, and the
``session-manager-plugin`` binary on ``PATH`` (its absence is the most common failure: the
CLI prints "SessionManagerPlugin is not found" only after the session was created).
The PATH lookup and the process runner are injected (:class:`Tools`), so tests need neither tool.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Callable
from dataclasses import dataclass

#: Oldest AWS CLI releases with ``ecs execute-command``, by major version.
MIN_AWS_CLI = {1: (1, 19, 28), 2: (2, 1, 30)}
AWS_CLI_INSTALL_HINT = (
    "install AWS CLI v2: https://docs.aws.amazon.com/cli/latest/userguide/getting-started-install.html"
)
PLUGIN_INSTALL_HINT = (
    "install the Session Manager plugin and put session-manager-plugin on PATH: "
    "https://docs.aws.amazon.com/systems-manager/latest/userguide/session-manager-working-with-install-plugin.html"
)

Which = Callable[[str], str | None]
#: Runs argv, returns (exit code, stdout + stderr). Must not raise for a non-zero exit.
Run = Callable[[list[str]], tuple[int, str]]


def run_process(argv: list[str]) -> tuple[int, str]:
    """Run ``argv`` with a 15 s timeout; ``(127, message)`` when it cannot be started."""
    try:
        proc = subprocess.run(argv, capture_output=True, text=True, timeout=15, check=False)  # noqa: S603
    except (OSError, subprocess.TimeoutExpired) as exc:
        return 127, str(exc)
    return proc.returncode, (proc.stdout or "") + (proc.stderr or "")


@dataclass(frozen=True)
class Tools:
    """How preflight finds programs: ``which`` (default :func:`shutil.which`) and ``run``."""

    which: Which = shutil.which
    run: Run = run_process


def parse_aws_cli_version(text: str) -> tuple[int, int, int] | None:
    """``aws --version`` output (``aws-cli/2.15.30 Python/3.11.8 Linux/6.1 ...``) -> ``(2, 15, 30)``, or None."""
    m = re.search(r"aws-cli/(\d+)\.(\d+)\.(\d+)", text)
    return (int(m.group(1)), int(m.group(2)), int(m.group(3))) if m else None


def aws_cli_supports_exec(version: tuple[int, int, int]) -> bool:
    """True when this CLI release has ``ecs execute-command`` (see :data:`MIN_AWS_CLI`)."""
    minimum = MIN_AWS_CLI.get(version[0])
    return version >= minimum if minimum else version[0] > max(MIN_AWS_CLI)


def fmt_version(version: tuple[int, ...]) -> str:
    """``(2, 1, 30)`` -> ``2.1.30``."""
    return ".".join(str(v) for v in version)
