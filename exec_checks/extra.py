"""Whether the ``[check]`` extra (checkov) is installed.

The base install (``pip install ecs-exec-operator``) has no checkov, so that the commands which do not
scan Terraform get current boto3 rather than checkov's exact boto3 pin. ``ecs-exec check`` and the check
step of ``plan`` / ``apply`` call :func:`require_checkov` first, before any file is written.
"""

from __future__ import annotations

from ecs_exec.errors import MissingExtraError

#: The one command that adds the policy checks to an install.
INSTALL = "pip install 'ecs-exec-operator[check]'"


def checkov_problem() -> str | None:
    """None when checkov's Terraform runner can be imported, else why not (``not installed`` or the
    import error of a broken install)."""
    try:
        import checkov  # noqa: F401
    except ImportError:
        return "not installed"
    try:
        from checkov.terraform.runner import Runner  # noqa: F401
    except ImportError as exc:
        return f"cannot be imported ({exc})"
    return None


def require_checkov(alternative: str | None = None) -> None:
    """Raise :class:`~ecs_exec.errors.MissingExtraError` (exit 4) unless checkov is usable.

    The message is one line: ``checkov is not installed (the policy checks need the [check] extra):
    pip install 'ecs-exec-operator[check]'``, then ``, or <alternative>`` when given (``plan``:
    ``--skip-checks``).
    """
    problem = checkov_problem()
    if problem is None:
        return
    other = f", or {alternative}" if alternative else ""
    raise MissingExtraError(
        f"checkov is {problem} (the policy checks need the [check] extra): {INSTALL}{other}"
    )
