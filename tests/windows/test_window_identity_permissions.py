"""Role assumption with source identity, and the IAM actions each window operation declares."""

from __future__ import annotations

from datetime import timedelta

import boto3
import pytest
from window_helpers import ALICE, NOW, Calls, hooked_factory

from ecs_exec.aws import ClientFactory
from ecs_exec.errors import AwsError, WaitTimeoutError
from generator.spec import EnvironmentSpec
from reconciler import windows
from reconciler.windows import aws as window_aws
from reconciler.windows import identity
from reconciler.windows.identity import window_session


def test_assumes_the_window_role_with_source_identity(
    spec: EnvironmentSpec, moto_account: boto3.Session
) -> None:
    calls = Calls()
    seen: dict[str, str] = {}

    def capture(params: dict[str, str], **_: object) -> None:
        seen.update(params)

    factory = hooked_factory(spec, ("before-call", calls), ("before-parameter-build.sts.AssumeRole", capture))
    role_factory, actor = window_session(factory, spec)

    assert actor.role_assumed and actor.arn == "arn:aws:sts::123456789012:user/moto"
    assert seen["RoleArn"] == spec.window_role_arn
    assert seen["SourceIdentity"] == seen["RoleSessionName"] == "moto"
    assert calls.names == ["sts:GetCallerIdentity", "sts:AssumeRole"]
    assert set(calls.names) <= set(identity.PERMISSIONS)
    who = role_factory.client("sts").get_caller_identity()["Arn"]
    assert who == "arn:aws:sts::123456789012:assumed-role/ecs-exec-window-local/moto"

    # already the role: used as is, no second assumption
    again_factory, again = window_session(role_factory, spec)
    assert again_factory is role_factory and not again.role_assumed
    assert again.arn == who


def test_no_assume_role_uses_the_caller(spec: EnvironmentSpec, factory: ClientFactory) -> None:
    same, actor = window_session(factory, spec, assume_role=False)
    assert same is factory and not actor.role_assumed


def test_wrong_account_is_refused(spec: EnvironmentSpec, factory: ClientFactory) -> None:
    other = spec.model_copy(update={"account_id": "999999999999"})
    with pytest.raises(AwsError, match="account 123456789012"):
        window_session(factory, other)


def test_every_call_is_declared(spec: EnvironmentSpec, moto_account: boto3.Session) -> None:
    """Record the API calls of each operation (before-call) and check them against its declaration."""

    def run(op: str) -> set[str]:
        calls = Calls()
        factory = hooked_factory(spec, ("before-call", calls))
        if op == "open":
            opened = windows.open_window(
                factory, spec, "demo-app", "api", minutes=30, reason="r", actor=ALICE, now=NOW
            )
            with pytest.raises(WaitTimeoutError):  # moto starts no task: the wait's calls are what counts
                windows.wait_for_exec_task(
                    factory, spec, opened, windows.Waiter(0, sleep=lambda _s: None), now=NOW
                )
        elif op == "extend":
            windows.extend_window(factory, spec, "demo-app", "api", minutes=5, actor=ALICE, now=NOW)
        elif op == "close":
            windows.close_window(
                factory, spec, "demo-app", "api", now=NOW, actor=ALICE, reason="x", stop_tasks=True
            )
        elif op == "list":
            windows.list_windows(factory, spec)
        else:
            moto_account.client("ecs").update_service(
                cluster="demo-app", service="adhoc", enableExecuteCommand=True
            )
            windows.sweep_windows(factory, spec, now=NOW + timedelta(hours=2), actor=ALICE, stop_tasks=True)
        return calls.iam_actions()

    declared = {
        "open": windows.OPEN_PERMISSIONS,
        "extend": windows.EXTEND_PERMISSIONS,
        "close": windows.CLOSE_PERMISSIONS,
        "list": windows.LIST_PERMISSIONS,
        "sweep": windows.SWEEP_PERMISSIONS,
    }
    used: set[str] = set()
    for op, allowed in declared.items():
        actions = run(op)
        assert actions, op
        assert actions <= set(allowed), f"{op}: undeclared {sorted(actions - set(allowed))}"
        used |= actions
    assert used <= set(windows.PERMISSIONS) <= set(window_aws.PERMISSIONS)
    assert {"ecs:UpdateService", "scheduler:CreateSchedule", "logs:PutLogEvents", "ecs:ListServices"} <= used

    permissions = pytest.importorskip("generator.permissions")
    granted = set(permissions.WINDOW_ROLE_ACTIONS)
    # Least privilege both ways: the role grants exactly what the window code declares.
    missing = set(windows.PERMISSIONS) - granted
    assert missing == set(), f"add to generator/permissions.py WINDOW_ROLE_STATEMENTS: {sorted(missing)}"
    extra = granted - set(windows.PERMISSIONS)
    assert extra == set(), f"remove from generator/permissions.py WINDOW_ROLE_STATEMENTS: {sorted(extra)}"
    assert not granted & {"logs:GetLogEvents", "logs:FilterLogEvents", "kms:Decrypt"}


def test_every_update_service_matches_the_window_role_condition(
    spec: EnvironmentSpec, moto_account: boto3.Session
) -> None:
    """The exec-window role may call UpdateService in `windowed` clusters only with a request that
    carries ``ecs:enable-execute-command`` and names no task definition (``window_update_request``):
    every UpdateService that open, close and sweep send must satisfy it, or the window breaks in AWS
    (moto does not evaluate IAM)."""
    from generator import permissions as P

    sent: list[dict[str, object]] = []

    def capture(params: dict[str, object], **_: object) -> None:
        sent.append(dict(params))

    factory = hooked_factory(spec, ("before-parameter-build.ecs.UpdateService", capture))
    windows.open_window(factory, spec, "demo-app", "api", minutes=30, reason="r", actor=ALICE, now=NOW)
    windows.close_window(factory, spec, "demo-app", "api", now=NOW, actor=ALICE, reason="x", stop_tasks=False)
    windows.open_window(factory, spec, "demo-app", "api", minutes=30, reason="r", actor=ALICE, now=NOW)
    windows.sweep_windows(factory, spec, now=NOW + timedelta(hours=2), actor=ALICE, stop_tasks=False)

    assert [p["enableExecuteCommand"] for p in sent] == [True, False, True, False]
    for params in sent:
        for key in P.WINDOW_UPDATE_REQUIRED_KEYS:
            assert P.WINDOW_UPDATE_KEY_PARAMETERS[key] in params, (key, params)
        for key in P.WINDOW_UPDATE_ABSENT_KEYS:
            assert P.WINDOW_UPDATE_KEY_PARAMETERS[key] not in params, (key, params)
    assert set(P.WINDOW_UPDATE_KEY_PARAMETERS) == set(
        P.WINDOW_UPDATE_REQUIRED_KEYS + P.WINDOW_UPDATE_ABSENT_KEYS
    )
