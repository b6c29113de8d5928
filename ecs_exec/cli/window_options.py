"""Option types and checks of the ``exec-window`` commands, run before any AWS call (exit 4 on a bad value).

CLI-only: the window operations (:mod:`reconciler.windows`) take values already checked here.
"""

from __future__ import annotations

import re

from ecs_exec.errors import InvalidValueError

_SERVICE_NAME_RE = re.compile(r"[A-Za-z0-9_-]{1,255}")
#: ``arn:aws:ecs:<region>:<account>:service/<cluster>/<name>`` (or the old ``service/<name>`` form).
_SERVICE_ARN_RE = re.compile(
    r"arn:aws[a-z-]*:ecs:[a-z0-9-]+:\d{12}:service/(?:(?P<cluster>[^/]+)/)?(?P<name>[^/]+)"
)


def check_minutes(minutes: int, max_minutes: int, option: str = "--minutes") -> int:
    """Validate a window length in minutes: ``1 <= minutes <= max_minutes``.

    Raises:
        InvalidValueError: out of range (exit 4).
    """
    if minutes <= 0:
        raise InvalidValueError(f"{option}: must be a positive number of minutes, got {minutes}")
    if minutes > max_minutes:
        raise InvalidValueError(
            f"{option}: {minutes} exceeds the environment's maximum window of {max_minutes} minutes "
            "(access.max_window_minutes)"
        )
    return minutes


def check_reason(reason: str | None) -> str:
    """The reason, whitespace-normalised.

    Raises:
        InvalidValueError: missing or blank (exit 4).
    """
    text = " ".join((reason or "").split())
    if not text:
        raise InvalidValueError("--reason: required: say why exec is needed (it is recorded)")
    return text


def check_service(value: str, cluster: str) -> str:
    """The ECS service name of ``--service``: a name, or a service ARN of ``cluster`` reduced to its name.

    The name is what keys a window (schedule name, tags' window id, the task group ``service:<name>``),
    so an ARN must not open a second window on the same service.

    Raises:
        InvalidValueError: not a service name (1-255 letters, digits, ``-``, ``_``), or the ARN names
            another cluster (exit 4).
    """
    name = value.strip()
    match = _SERVICE_ARN_RE.fullmatch(name)
    if match:
        if match["cluster"] is not None and match["cluster"] != cluster:
            raise InvalidValueError(
                f"--service: {value!r} is a service of cluster {match['cluster']!r}, not of --cluster {cluster!r}"
            )
        name = match["name"]
    if not _SERVICE_NAME_RE.fullmatch(name):
        raise InvalidValueError(
            f"--service: {value!r} is not an ECS service name (1-255 letters, digits, '-' and '_') or service ARN"
        )
    return name


def check_timeout(wait_timeout: int) -> None:
    """``--wait-timeout`` must be a positive number of seconds.

    Raises:
        InvalidValueError: zero or negative (exit 4).
    """
    if wait_timeout <= 0:
        raise InvalidValueError(f"--wait-timeout: must be a positive number of seconds, got {wait_timeout}")
