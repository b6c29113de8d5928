"""Promise: **the transcripts are not readable by the roles that run exec** (README, "Security promises").

Asked of every rendered environment: can P read a session transcript of cluster C (a stream of the
exec log group, or the S3 object with its KMS key)?
"""

from __future__ import annotations

import promise_checks as P
import pytest
from promise_cast import Cast

pytestmark = pytest.mark.terraform  # the rendered root runs under terraform test


def test_window_role_cannot_read_transcripts(cast: Cast) -> None:
    P.cannot_read_transcripts(cast, cast.window)


def test_operators_cannot_read_transcripts(cast: Cast) -> None:
    for operator in cast.operators.values():
        P.cannot_read_transcripts(cast, operator)


def test_scheduler_role_cannot_read_transcripts(cast: Cast) -> None:
    P.cannot_read_transcripts(cast, cast.scheduler)


def test_drift_role_cannot_read_transcripts(cast: Cast) -> None:
    P.cannot_read_transcripts(cast, cast.drift)


def test_task_role_cannot_read_transcripts(cast: Cast) -> None:
    P.cannot_read_transcripts(cast, cast.task_role)


def test_guarded_deployer_cannot_read_transcripts(cast: Cast) -> None:
    P.cannot_read_transcripts(cast, cast.deployer)
