"""Source identity across role chaining, with STS's rule enforced by botocore hooks (moto does not).

STS (IAM User Guide, "Monitor and control actions taken with assumed roles"): a source identity,
once set on a role session, cannot be changed and carries over to chained sessions; a chained
``AssumeRole`` that sets a *different* one is refused. The exec-window role's trust requires one
(``Null sts:SourceIdentity = false``). The hooks below play both rules on a real client talking to
moto: ``before-parameter-build`` refuses the call as STS and the trust would, ``after-call`` adds
the ``SourceIdentity`` STS returns (moto leaves it out).
"""

from __future__ import annotations

from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError
from window_helpers import NOW, Calls, hooked_factory

from generator.spec import EnvironmentSpec
from reconciler import windows
from reconciler.windows.identity import window_session

# An operator's session: the session name is the SDK's, the source identity the person's.
SESSION_ARN = "arn:aws:sts::123456789012:assumed-role/ecs-exec-operator-local/botocore-session-1796029200"


class StsRules:
    """STS's source-identity rule for a caller session carrying ``carried`` (None: none)."""

    def __init__(self, carried: str | None) -> None:
        self.carried = carried
        self.requests: list[dict[str, Any]] = []

    def caller(self, parsed: dict[str, Any], **_: Any) -> None:
        parsed["Arn"] = SESSION_ARN

    def before(self, params: dict[str, Any], **_: Any) -> None:
        self.requests.append(dict(params))
        given = params.get("SourceIdentity")
        if self.carried is not None and given is not None and given != self.carried:
            raise ClientError(
                {
                    "Error": {
                        "Code": "AccessDenied",
                        "Message": "source identity cannot be changed in a chained session",
                    }
                },
                "AssumeRole",
            )
        if self.carried is None and given is None:
            raise ClientError(
                {"Error": {"Code": "AccessDenied", "Message": "not authorized to perform sts:AssumeRole"}},
                "AssumeRole",
            )

    def after(self, parsed: dict[str, Any], **_: Any) -> None:
        if "Credentials" in parsed:
            parsed["SourceIdentity"] = self.carried or self.requests[-1].get("SourceIdentity")

    def hooks(self) -> list[tuple[str, Any]]:
        return [
            ("after-call.sts.GetCallerIdentity", self.caller),
            ("before-parameter-build.sts.AssumeRole", self.before),
            ("after-call.sts.AssumeRole", self.after),
        ]


def test_the_hook_refuses_a_chained_assume_role_that_sets_a_different_source_identity(
    spec: EnvironmentSpec, moto_account: boto3.Session
) -> None:
    """The rule is real: what the old code sent (SourceIdentity = the session name) is refused."""
    rules = StsRules("alice@example.com")
    sts = hooked_factory(spec, *rules.hooks()).client("sts")
    with pytest.raises(ClientError) as ei:
        sts.assume_role(
            RoleArn=spec.window_role_arn,
            RoleSessionName="botocore-session-1796029200",
            SourceIdentity="botocore-session-1796029200",
        )
    assert ei.value.response["Error"]["Code"] == "AccessDenied"
    same = sts.assume_role(
        RoleArn=spec.window_role_arn, RoleSessionName="alice", SourceIdentity="alice@example.com"
    )
    assert same["SourceIdentity"] == "alice@example.com"


def test_open_works_for_a_session_carrying_a_source_identity_other_than_its_name(
    spec: EnvironmentSpec, moto_account: boto3.Session
) -> None:
    rules = StsRules("alice@example.com")
    calls = Calls()
    factory = hooked_factory(spec, ("before-call", calls), *rules.hooks())

    role_factory, actor = window_session(factory, spec)

    # Assumed once, without SourceIdentity: the carried one passes on unchanged.
    assert calls.names == ["sts:GetCallerIdentity", "sts:AssumeRole"]
    (request,) = rules.requests
    assert "SourceIdentity" not in request
    assert request["RoleSessionName"] == "botocore-session-1796029200"
    assert actor.role_assumed and actor.arn == SESSION_ARN
    assert actor.source_identity == "alice@example.com"

    result = windows.open_window(
        role_factory, spec, "demo-app", "api", minutes=30, reason="INC-1", actor=actor, now=NOW
    )
    assert result.status == "opened", result.message
    svc = moto_account.client("ecs").describe_services(cluster="demo-app", services=["api"])["services"][0]
    assert svc["enableExecuteCommand"] is True


def test_a_session_without_source_identity_sets_the_person(
    spec: EnvironmentSpec, moto_account: boto3.Session
) -> None:
    rules = StsRules(None)
    factory = hooked_factory(spec, *rules.hooks())

    _, actor = window_session(factory, spec)

    # First without (refused by the trust's Null condition), then once with the person.
    assert [r.get("SourceIdentity") for r in rules.requests] == [None, "botocore-session-1796029200"]
    assert actor.source_identity == "botocore-session-1796029200"


def test_an_iam_user_sets_the_person_at_once(spec: EnvironmentSpec, moto_account: boto3.Session) -> None:
    seen: list[dict[str, Any]] = []
    factory = hooked_factory(
        spec, ("before-parameter-build.sts.AssumeRole", lambda params, **_: seen.append(dict(params)))
    )
    _, actor = window_session(factory, spec)
    assert [r.get("SourceIdentity") for r in seen] == ["moto"]
    assert actor.source_identity == "moto"
