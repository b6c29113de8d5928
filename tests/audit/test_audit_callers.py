"""The real caller: sessions joined to the STS event that issued their credentials (pure), the
``source-identity-mismatch`` flag, and the LookupEvents queries (region and us-east-1, from --since - 12 h)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from audit_helpers import stub_cloudtrail
from audit_records import (
    ACCOUNT,
    assume_role,
    assumed_role,
    execute_command,
    iam_user,
    page,
    saml_user,
    sso_user,
)
from botocore.stub import ANY, Stubber

from ecs_exec.aws import ClientFactory
from generator.spec import EnvironmentSpec
from reconciler.audit.callers import IssuanceIndex, resolve_caller, source_identity_mismatch
from reconciler.audit.issuers import lookup_issuers
from reconciler.audit.model import Flag
from reconciler.audit.parse import parse_identity, parse_record
from reconciler.audit.report import AuditQuery, run_audit
from reconciler.audit.timerange import TimeRange

NOW = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)
RANGE = TimeRange(datetime(2026, 11, 30, 0, 0, tzinfo=UTC), NOW)
AT = datetime(2026, 11, 30, 10, 0, tzinfo=UTC)


def _session_identity(session: str, source_identity: str | None, key: str) -> dict:
    return assumed_role(session=session, source_identity=source_identity, access_key=key)


def _caller(session_ui: dict, records: list[dict]):
    ident = parse_identity(session_ui)
    caller = resolve_caller(ident, AT, IssuanceIndex.of(records))
    return caller, source_identity_mismatch(ident, caller)


def test_iam_user_bob_setting_alice_is_a_mismatch() -> None:
    issued = assume_role(iam_user("bob"), access_key="ASIABOB", source_identity="alice")
    caller, mismatch = _caller(_session_identity("alice", "alice", "ASIABOB"), [issued])
    assert caller is not None
    assert (caller.type, caller.user_name, caller.event_id) == ("IAMUser", "bob", issued["eventID"])
    assert caller.arn == f"arn:aws:iam::{ACCOUNT}:user/bob"
    assert mismatch


def test_honest_alice_is_not_flagged_and_case_does_not_matter() -> None:
    issued = assume_role(iam_user("Alice"), access_key="ASIAALICE", source_identity="alice")
    caller, mismatch = _caller(_session_identity("alice", "alice", "ASIAALICE"), [issued])
    assert caller is not None and caller.user_name == "Alice"
    assert not mismatch


def test_sso_caller_compares_the_sso_user() -> None:
    sso = sso_user("bob@example.com")
    sso["accessKeyId"] = "ASIASSO"
    issued = assume_role(sso, access_key="ASIAOP", source_identity="alice@example.com")
    caller, mismatch = _caller(
        _session_identity("alice@example.com", "alice@example.com", "ASIAOP"), [issued]
    )
    assert caller is not None and caller.sso and caller.user_name == "bob@example.com"
    assert mismatch
    honest = assume_role(sso, access_key="ASIAOP2", source_identity="bob@example.com")
    _, ok = _caller(_session_identity("bob", "bob@example.com", "ASIAOP2"), [honest])
    assert not ok


def test_saml_sign_in_to_an_sso_role_is_compared() -> None:
    role = "AWSReservedSSO_PowerUser_0123456789abcdef"
    issued = assume_role(
        saml_user("carol@example.com"),
        access_key="ASIASAML",
        role=role,
        session="carol@example.com",
        source_identity="dave@example.com",
        event_name="AssumeRoleWithSAML",
    )
    ui = sso_user("carol@example.com")
    ui["accessKeyId"] = "ASIASAML"
    ui["sessionContext"]["sourceIdentity"] = "dave@example.com"
    caller, mismatch = _caller(ui, [issued])
    assert caller is not None and (caller.type, caller.user_name, caller.sso) == (
        "SAMLUser",
        "carol@example.com",
        True,
    )
    assert mismatch


def test_sso_session_without_its_issuing_event_is_compared_with_its_own_session_name() -> None:
    # The session name of an AWSReservedSSO_* role session is the SSO user (set by IAM Identity Center):
    # carol setting source identity dave is a mismatch even when no AssumeRoleWithSAML event was read.
    ui = sso_user("carol")
    ui["accessKeyId"] = "ASIASSONOEVENT"
    ui["sessionContext"]["sourceIdentity"] = "dave"
    caller, mismatch = _caller(ui, [])
    assert caller is not None and (caller.type, caller.user_name, caller.sso, caller.event_id) == (
        "AssumedRole",
        "carol",
        True,
        None,
    )
    assert mismatch
    ui["sessionContext"]["sourceIdentity"] = "Carol"
    assert not _caller(ui, [])[1]
    # Another role's session name is chosen by its caller: still unknown, never guessed.
    other = _session_identity("carol", "dave", "ASIAOTHER")
    assert _caller(other, []) == (None, False)


def test_role_chaining_is_followed_to_the_person() -> None:
    # bob (IAM user) -> jump role (session "x", source identity alice) -> operator role (carries alice)
    first = assume_role(
        iam_user("bob"),
        access_key="ASIAJUMP",
        role="jump",
        session="x",
        source_identity="alice",
        at="2026-11-30T08:00:00Z",
    )
    jump = assumed_role(role="jump", session="x", source_identity="alice", access_key="ASIAJUMP")
    second = assume_role(jump, access_key="ASIAOP", source_identity="alice", at="2026-11-30T08:30:00Z")
    caller, mismatch = _caller(_session_identity("alice", "alice", "ASIAOP"), [first, second])
    assert caller is not None and (caller.user_name, caller.event_id) == ("bob", first["eventID"])
    assert mismatch


def test_issuing_event_outside_the_period_is_unknown() -> None:
    other = assume_role(iam_user("bob"), access_key="ASIAOTHER", source_identity="alice")
    caller, mismatch = _caller(_session_identity("alice", "alice", "ASIANOTREAD"), [other])
    assert caller is None and not mismatch


def test_principal_id_join_takes_the_latest_event_before_within_12_hours() -> None:
    ui = _session_identity("alice", "alice", "ASIAX")
    del ui["accessKeyId"]
    old = assume_role(iam_user("bob"), access_key="ASIA1", at="2026-11-29T21:00:00Z")  # 13 h before
    assert _caller(ui, [old])[0] is None
    near = assume_role(iam_user("carol"), access_key="ASIA2", at="2026-11-30T09:00:00Z")
    later = assume_role(iam_user("dave"), access_key="ASIA3", at="2026-11-30T10:30:00Z")  # after the session
    caller, _ = _caller(ui, [old, near, later])
    assert caller is not None and caller.user_name == "carol"


def test_iam_user_keys_are_their_own_caller_and_failed_sts_calls_issue_nothing() -> None:
    ident = parse_identity(iam_user("alice"))
    caller = resolve_caller(ident, AT, IssuanceIndex())
    assert caller is not None and (caller.type, caller.user_name, caller.event_id) == (
        "IAMUser",
        "alice",
        None,
    )
    failed = {**assume_role(iam_user("bob"), access_key="ASIAF"), "errorCode": "AccessDenied"}
    assert IssuanceIndex.of([failed, {"eventName": "PutObject"}]).size == 0


def test_report_flags_mismatch_from_lookup_events(factory: ClientFactory, spec: EnvironmentSpec) -> None:
    bob_as_alice = execute_command(
        _session_identity("alice", "alice", "ASIABOB"), session_id="ecs-execute-command-0a1b2c3d4e5f60001"
    )
    alice = execute_command(
        _session_identity("alice", "alice", "ASIAALICE"),
        at="2026-11-30T10:10:00Z",
        session_id="ecs-execute-command-0a1b2c3d4e5f60002",
    )
    issued = [
        assume_role(iam_user("bob"), access_key="ASIABOB", source_identity="alice"),
        assume_role(iam_user("alice"), access_key="ASIAALICE", source_identity="alice"),
    ]
    stub = stub_cloudtrail(factory, [page([bob_as_alice, alice])], [], [page(issued)])
    rep = run_audit(factory, spec, AuditQuery(RANGE), NOW)
    stub.assert_no_pending_responses()
    rows = {r.session.session_id: r for r in rep.rows}
    bob_row, alice_row = rows[parse_record(bob_as_alice).session_id], rows[parse_record(alice).session_id]
    assert bob_row.caller is not None and bob_row.caller.user_name == "bob"
    assert Flag.SOURCE_IDENTITY_MISMATCH in bob_row.flags
    assert Flag.SOURCE_IDENTITY_MISMATCH not in alice_row.flags
    assert rep.issuers == 2


def test_lookup_reads_region_and_us_east_1_from_12_hours_before(spec: EnvironmentSpec) -> None:
    factory = ClientFactory("eu-west-1", max_attempts=1)
    east = factory.for_region("us-east-1")
    stubs = []
    for f in (factory, east):
        stub = Stubber(f.client("cloudtrail"))
        for name in ("AssumeRole", "AssumeRoleWithSAML", "AssumeRoleWithWebIdentity"):
            stub.add_response(
                "lookup_events",
                {"Events": []},
                {
                    "LookupAttributes": [{"AttributeKey": "EventName", "AttributeValue": name}],
                    "StartTime": RANGE.since - timedelta(hours=12),
                    "EndTime": RANGE.until,
                    "MaxResults": ANY,
                },
            )
        stub.activate()
        stubs.append(stub)
    errors: list[str] = []
    index = lookup_issuers(factory, RANGE, errors)
    for stub in stubs:
        stub.assert_no_pending_responses()
    assert errors == [] and index.size == 0
    assert east is not factory and east.region == "us-east-1"
