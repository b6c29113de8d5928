"""Promise: **every session names its person** (README, "Security promises").

Asked of every rendered environment: can P assume role R, setting source identity X (or none)?
The roles that open shells and windows must demand a source identity, and must not let a caller
choose someone else's.
"""

from __future__ import annotations

import promise_checks as P
import pytest
from promise_cast import Cast

pytestmark = pytest.mark.terraform  # the rendered root runs under terraform test


def test_operators_assume_the_window_role_only_naming_themselves(cast: Cast) -> None:
    for operator in cast.operators.values():
        P.assumes(cast, operator, cast.window, "alice@example.com", True)
        P.assumes(cast, operator, cast.window, None, False)


def test_guarded_deployer_cannot_assume_the_window_role(cast: Cast) -> None:
    P.assumes(cast, cast.deployer, cast.window, "alice@example.com", False)


def test_unguarded_admin_cannot_assume_the_window_role(cast: Cast) -> None:
    P.assumes(cast, cast.admin, cast.window, "alice@example.com", False)


def test_unguarded_admin_cannot_assume_an_operator_role_without_a_source_identity(cast: Cast) -> None:
    for operator in cast.operators.values():
        P.assumes(cast, cast.admin, operator, None, False)


def test_unguarded_admin_cannot_assume_an_operator_role_as_someone_else(cast: Cast) -> None:
    for operator in cast.operators.values():
        P.assumes(cast, cast.admin, operator, "alice@example.com", False)


def test_unguarded_admin_cannot_assume_the_drift_role(cast: Cast) -> None:
    P.assumes(cast, cast.admin, cast.drift, None, False)


def test_task_role_cannot_assume_the_operator_or_window_roles(cast: Cast) -> None:
    for role in (*cast.operators.values(), cast.window):
        P.assumes(cast, cast.task_role, role, "alice@example.com", False)
