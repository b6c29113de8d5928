"""Fixtures of the drift tests (helpers live in ``tests/support/drift_support.py``)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from drift_support import Fleet, make_fleet, unit_spec
from moto import mock_aws

from devtools.fleet import SeedPlan


@pytest.fixture()
def fleet() -> Iterator[Fleet]:
    """The unit environment seeded in sync: 3 clusters, 1 task per service, 1 standalone task per cluster."""
    with mock_aws():
        yield make_fleet(unit_spec(), SeedPlan(tasks_per_service=1, standalone_tasks=1))
