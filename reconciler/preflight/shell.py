"""The fast preflight of ``ecs-exec shell``: only what makes a session fail at once.

``session-manager-plugin`` on PATH (with its version), the caller's credentials in the config's
account, ``ecs:ExecuteCommand`` on the service's tasks and ``kms:GenerateDataKey`` on the exec key.
A permission the evaluator cannot decide (no simulator, unreadable caller policies) is a WARN;
a FAIL stops the shell before anything changes (exit 3, as ``preflight``).
"""

from __future__ import annotations

from ecs_exec.aws import ClientFactory
from generator.spec import EnvironmentSpec
from reconciler.preflight.checks import CHECKS
from reconciler.preflight.model import Report
from reconciler.preflight.runner import run_preflight
from reconciler.preflight.tools import Tools

SHELL_CHECK_IDS = (
    "client.session-manager-plugin",
    "caller.identity",
    "caller.ecs-execute-command",
    "caller.kms-generate-data-key",
)
SHELL_CHECKS = tuple(c for c in CHECKS if c.id in SHELL_CHECK_IDS)


def shell_preflight(
    spec: EnvironmentSpec,
    factory: ClientFactory,
    cluster: str,
    service: str,
    container: str,
    tools: Tools | None = None,
    reader: ClientFactory | None = None,
) -> Report:
    """Run :data:`SHELL_CHECKS` on ``cluster``/``service`` for ``container``: the caller's ``factory``
    answers who the caller is and what it may do; ``reader`` (the exec-window role) reads the target.

    Raises:
        NotFoundError / InvalidValueError / AwsError: as :func:`~reconciler.preflight.runner.run_preflight`.
    """
    return run_preflight(
        spec,
        factory,
        cluster,
        service=service,
        container=container,
        tools=tools,
        checks=SHELL_CHECKS,
        reader=reader,
    )
