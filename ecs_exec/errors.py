"""Exit codes and the project's exception types, defined once.

Every command maps its failures through :func:`exit_code_for`; nothing else in the code base
chooses an exit code. The table is documented in the README ("Exit codes").
"""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    """Process exit codes of ``ecs-exec`` and ``exec-window``."""

    OK = 0  #: success, in sync, no finding
    ERROR = 1  #: unexpected error, or terraform itself failed (its error is shown)
    USAGE = 2  #: unknown or missing option (click's own)
    FINDINGS = 3  #: drift or policy violation found / left unfixed
    INVALID = 4  #: invalid config or invalid option value (checked before any AWS call)
    AWS = 5  #: AWS or credentials error
    PARTIAL = 6  #: partial failure: some resources could not be handled (wins over FINDINGS)
    TIMEOUT = 7  #: a --wait ran past --wait-timeout
    INTERRUPTED = 130  #: interrupted (Ctrl-C)


class OperatorError(Exception):
    """Base of every error the CLI turns into a one-line message and an exit code."""

    exit_code: ExitCode = ExitCode.ERROR

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return self.message


class ConfigError(OperatorError):
    """The desired-state file (``config/<env>.yaml``) is missing, malformed or invalid."""

    exit_code = ExitCode.INVALID


class InvalidValueError(OperatorError):
    """An option value is invalid (``--minutes 0``, ``--since garbage``); raised before any AWS call."""

    exit_code = ExitCode.INVALID


class NotFoundError(OperatorError):
    """A cluster, service or task named on the command line does not exist (exit 4)."""

    exit_code = ExitCode.INVALID


class AwsError(OperatorError):
    """An AWS call failed (access denied, no credentials, throttled after retries, wrong account)."""

    exit_code = ExitCode.AWS


class ToolMissingError(OperatorError):
    """An external tool (terraform, checkov) is not installed or not on PATH."""

    exit_code = ExitCode.ERROR


class MissingExtraError(OperatorError):
    """An optional part of the package is not installed, e.g. checkov (the ``[check]`` extra) for
    ``ecs-exec check``: exit 4, one line naming the ``pip install`` that adds it."""

    exit_code = ExitCode.INVALID


class TerraformError(OperatorError):
    """``terraform`` itself failed (init, validate, plan or apply returned an error)."""

    exit_code = ExitCode.ERROR


class FindingsError(OperatorError):
    """Drift or a policy violation was found (exit 3)."""

    exit_code = ExitCode.FINDINGS


class PartialFailureError(OperatorError):
    """Some resources were handled and some failed (exit 6, wins over 3)."""

    exit_code = ExitCode.PARTIAL


class WaitTimeoutError(OperatorError):
    """A ``--wait`` ran past ``--wait-timeout`` seconds (exit 7)."""

    exit_code = ExitCode.TIMEOUT


def exit_code_for(exc: BaseException) -> ExitCode:
    """Map any exception to the documented exit code.

    Our own errors carry their code; botocore's errors are AWS errors (5), and so is a response
    botocore cannot parse (``botocore.parsers.ResponseParserError``: e.g. a JSON body where the
    query protocol sends XML, an endpoint that is not the AWS API it claims); Ctrl-C is 130;
    anything else is unexpected (1).
    """
    if isinstance(exc, OperatorError):
        return exc.exit_code
    if isinstance(exc, KeyboardInterrupt):
        return ExitCode.INTERRUPTED
    try:
        from botocore.exceptions import BotoCoreError, ClientError
        from botocore.parsers import ResponseParserError
    except ImportError:  # pragma: no cover - boto3 is a hard dependency
        return ExitCode.ERROR
    if isinstance(exc, (ClientError, BotoCoreError, ResponseParserError)):
        return ExitCode.AWS
    return ExitCode.ERROR


def combine(codes: list[ExitCode] | list[int]) -> ExitCode:
    """Combine per-resource outcomes into one exit code: 6 wins over 5, 5 over 3, 3 over 0."""
    order = [ExitCode.PARTIAL, ExitCode.AWS, ExitCode.FINDINGS]
    present = {ExitCode(c) for c in codes}
    for code in order:
        if code in present:
            return code
    return ExitCode.OK
