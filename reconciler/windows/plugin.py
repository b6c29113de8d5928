"""Run ``session-manager-plugin`` in the user's terminal, and leave cleanly on SIGTERM / SIGHUP.

As ``aws ecs execute-command`` does (awscli ``ignore_user_entered_signals``): while the plugin runs,
this process ignores SIGINT, SIGQUIT and SIGTSTP (Ctrl-C, Ctrl-\\, Ctrl-Z), so the terminal's keys
reach the plugin, which forwards them to the remote shell; the plugin inherits stdin/stdout/stderr.
SIGTERM and SIGHUP (a closed terminal) end the shell: :func:`leave_on_signals` turns them into
:class:`Left` in the main thread; :func:`run_plugin` then stops the plugin (SIGTERM, then SIGKILL
after a grace period) and lets the caller close what it opened.
"""

from __future__ import annotations

import contextlib
import signal
import subprocess
from collections.abc import Iterable, Iterator, Sequence
from types import FrameType
from typing import Any

#: Signals the remote shell gets while the plugin runs (ignored here, as the AWS CLI does).
USER_SIGNALS = (signal.SIGINT, signal.SIGQUIT, signal.SIGTSTP)
#: Signals that end the shell (a closed terminal sends SIGHUP).
LEAVE_SIGNALS = (signal.SIGTERM, signal.SIGHUP)
#: Seconds the plugin gets to end after SIGTERM before SIGKILL.
STOP_GRACE_SECONDS = 10.0


class Left(BaseException):  # noqa: N818 - a signal, like KeyboardInterrupt, not an error
    """SIGTERM or SIGHUP arrived: the shell ends; ``exit_code`` is ``128 + signum`` (143, 129)."""

    def __init__(self, signum: int) -> None:
        super().__init__(signal.Signals(signum).name)
        self.signum = signum

    @property
    def exit_code(self) -> int:
        return 128 + self.signum


def _raise_left(signum: int, _frame: FrameType | None) -> None:
    raise Left(signum)


@contextlib.contextmanager
def _handling(signals: Iterable[signal.Signals], handler: Any) -> Iterator[None]:
    """While active, ``handler`` handles ``signals``; the previous handlers are restored afterwards."""
    previous = {s: signal.signal(s, handler) for s in signals}
    try:
        yield
    finally:
        for s, old in previous.items():
            signal.signal(s, old)


def leave_on_signals() -> contextlib.AbstractContextManager[None]:
    """While active, SIGTERM and SIGHUP raise :class:`Left` in the main thread; restored afterwards."""
    return _handling(LEAVE_SIGNALS, _raise_left)


def shielded() -> contextlib.AbstractContextManager[None]:
    """While active, SIGINT, SIGTERM and SIGHUP are ignored: closing what was opened must finish."""
    return _handling((signal.SIGINT, *LEAVE_SIGNALS), signal.SIG_IGN)


def _user_signals_to_plugin() -> contextlib.AbstractContextManager[None]:
    """While the plugin runs, Ctrl-C, Ctrl-\\ and Ctrl-Z are ignored here and reach the remote shell."""
    return _handling(USER_SIGNALS, signal.SIG_IGN)


def _stop(proc: subprocess.Popen[bytes], grace: float) -> None:
    if proc.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        proc.terminate()
    try:
        proc.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            proc.kill()
        proc.wait()


def run_plugin(argv: Sequence[str], *, grace_seconds: float = STOP_GRACE_SECONDS) -> int:
    """Run the plugin (``argv[0]`` is its path) with this process's stdin/stdout/stderr; its exit status.

    Call inside :func:`leave_on_signals`: on :class:`Left` the plugin gets SIGTERM (SIGKILL after
    ``grace_seconds``) and :class:`Left` propagates.

    Raises:
        OSError: the plugin cannot be started.
        Left: SIGTERM or SIGHUP arrived while it ran.
    """
    with _user_signals_to_plugin():
        proc = subprocess.Popen(list(argv))  # noqa: S603 - argv is the AWS CLI's, built by plugin_argv
        try:
            return proc.wait()
        except BaseException:
            _stop(proc, grace_seconds)
            raise
