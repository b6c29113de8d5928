"""The drift job reads in full pages and batches; every API call made is a declared permission."""

from __future__ import annotations

import pytest
from drift_support import (
    Fleet,
    expired_window,
    insights_on,
    logging_default,
    make_fleet,
    never_service_on,
    retention,
    service_task_exec,
    standalone_task_exec,
)
from moto import mock_aws

import reconciler.drift
from devtools.fleet import SeedPlan
from generator.loader import parse_config
from reconciler import live


def test_services_and_tasks_are_read_in_full_pages_and_batches() -> None:
    config = """
environment: unit
region: us-east-1
account_id: "123456789012"
windows: {role_name: w, scheduler_role_name: s, schedule_group_name: g, dead_letter_queue_name: q}
drift_role_name: d
clusters: [{name: big}]
"""
    spec = parse_config(config)
    with mock_aws():
        fleet = make_fleet(spec, SeedPlan(extra_services=25, tasks_per_service=0, standalone_tasks=150))
        report = fleet.run()
    counts = {name: sum(1 for n, _ in fleet.calls if n == name) for name in fleet.actions()}
    assert report.results[0].services_read == 25 and report.results[0].tasks_read == 150
    assert counts["ecs:ListServices"] == 1 and counts["ecs:DescribeServices"] == 3  # 10 per call
    # ECS pages ListTasks by 100 (moto answers all 150 at once); DescribeTasks takes 100 per call either way.
    assert counts["ecs:ListTasks"] <= 2 and counts["ecs:DescribeTasks"] == 2
    assert counts["ecs:DescribeClusters"] == 1


ALL_DRIFT = (
    logging_default, insights_on, retention, never_service_on, expired_window, service_task_exec, standalone_task_exec,
)  # fmt: skip


def test_every_api_call_of_check_and_fix_is_declared(fleet: Fleet) -> None:
    for make in ALL_DRIFT:
        make(fleet)
    fleet.run()
    fleet.run(fix=True, stop_tasks=True)
    assert fleet.run().outcomes == ()
    declared = set(reconciler.drift.PERMISSIONS)
    assert fleet.actions() - declared == set()
    # and the declarations are not padded: each reader's APIs were really used.
    assert {p for r in live.READERS for p in r.permissions} <= fleet.actions()


def test_declared_permissions_are_granted_to_the_generated_drift_role() -> None:
    permissions = pytest.importorskip("generator.permissions")
    missing = set(reconciler.drift.PERMISSIONS) - set(permissions.DRIFT_ROLE_ACTIONS)
    assert missing == set(), f"add to generator/permissions.py DRIFT_ROLE_STATEMENTS: {sorted(missing)}"
    # least privilege: the role grants nothing the drift job does not call
    extra = set(permissions.DRIFT_ROLE_ACTIONS) - set(reconciler.drift.PERMISSIONS)
    assert extra == set(), f"remove from generator/permissions.py DRIFT_ROLE_STATEMENTS: {sorted(extra)}"
