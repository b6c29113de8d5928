"""Window tags edited by hand: an expiry far in the future, a garbage opening time, an unreadable expiry.

Regressions found by adversarial testing: an expiry tag rewritten to ``9999-12-31`` kept exec on for
ever (list said "open", sweep skipped it, extend crashed with exit 1), and a window without a readable
opening time could be extended by another maximum on every ``extend``.
"""

from __future__ import annotations

from datetime import timedelta

import boto3
import pytest
from window_helpers import ALICE, BOB, NOW, service, tags_of

from ecs_exec.aws import ClientFactory
from ecs_exec.errors import InvalidValueError
from generator.spec import EnvironmentSpec, ExecMode
from reconciler.windows import extend_window, list_windows, open_window, sweep_windows
from reconciler.windows.facts import ServiceFacts
from reconciler.windows.plan import extended_expiry, new_window, sweep_reason
from reconciler.windows.record import (
    TAG_EXPIRES_AT,
    TAG_OPENED_AT,
    WINDOW_TAG_KEYS,
    has_valid_window,
    parse_window,
)

FAR = "9999-12-31T23:59:59Z"
OVERFLOW = "0001-01-01T00:00:00+01:00"


def _retag(session: boto3.Session, cluster: str, name: str, **tags: str) -> None:
    arn = service(session, cluster, name)["serviceArn"]
    session.client("ecs").tag_resource(
        resourceArn=arn, tags=[{"key": k, "value": v} for k, v in tags.items()]
    )


def _tags(minutes: int = 30) -> dict[str, str]:
    return new_window(
        "c", "s", now=NOW, minutes=minutes, actor_arn="arn:aws:iam::1:user/a", reason="r"
    ).to_tags()


def test_expiry_beyond_the_maximum_is_not_a_valid_window() -> None:
    legit = _tags(60)
    assert has_valid_window(legit, NOW + timedelta(minutes=59), max_minutes=60)
    tampered = {**legit, TAG_EXPIRES_AT: FAR}
    assert not has_valid_window(tampered, NOW, max_minutes=60)
    assert has_valid_window(tampered, NOW)  # without a maximum only the expiry counts (old behaviour)
    # no opening time: counted from now
    no_start = {TAG_EXPIRES_AT: "2026-11-30T12:30:00Z"}
    assert has_valid_window(no_start, NOW, max_minutes=60)
    assert not has_valid_window({TAG_EXPIRES_AT: "2026-11-30T14:00:00Z"}, NOW, max_minutes=60)
    # an opening time moved into the future does not stretch the maximum
    assert not has_valid_window({**tampered, TAG_OPENED_AT: "9999-12-31T00:00:00Z"}, NOW, max_minutes=60)
    # a few minutes of clock skew between machines is tolerated
    skewed = {**legit, TAG_OPENED_AT: "2026-11-30T12:03:00Z", TAG_EXPIRES_AT: "2026-11-30T13:03:00Z"}
    assert has_valid_window(skewed, NOW, max_minutes=60)


def test_expiry_out_of_range_in_utc_reads_as_unreadable() -> None:
    assert parse_window({TAG_EXPIRES_AT: OVERFLOW}) is None
    window = parse_window({TAG_EXPIRES_AT: "2026-11-30T12:30:00Z", TAG_OPENED_AT: OVERFLOW})
    assert window is not None and window.opened_at is None


def test_sweep_reason_names_a_hand_edited_expiry() -> None:
    facts = ServiceFacts("c", "s", "arn:s", True, tags={**_tags(), TAG_EXPIRES_AT: FAR})
    why = sweep_reason(ExecMode.WINDOWED, facts, NOW, max_minutes=60)
    assert why is not None and "beyond the maximum of 60 minutes" in why
    assert (
        sweep_reason(ExecMode.WINDOWED, ServiceFacts("c", "s", "arn:s", True, tags=_tags()), NOW, 60) is None
    )


def test_extend_without_opening_time_counts_from_now() -> None:
    window = parse_window({TAG_EXPIRES_AT: "2026-11-30T12:30:00Z", TAG_OPENED_AT: "garbage"})
    assert window is not None and window.opened_at is None
    assert extended_expiry(window, minutes=30, max_minutes=60, now=NOW) == NOW + timedelta(minutes=60)
    with pytest.raises(InvalidValueError, match="at most 30 more minutes"):
        extended_expiry(window, minutes=31, max_minutes=60, now=NOW)  # was allowed: counted from the expiry


def test_extend_refuses_a_hand_edited_expiry_with_exit_4() -> None:
    window = parse_window({**_tags(), TAG_EXPIRES_AT: FAR})
    assert window is not None
    with pytest.raises(InvalidValueError, match="edited by hand") as caught:
        extended_expiry(window, minutes=5, max_minutes=60, now=NOW)  # was OverflowError (exit 1)
    assert caught.value.exit_code == 4


def test_list_and_sweep_catch_tampered_tags(
    spec: EnvironmentSpec, factory: ClientFactory, moto_account: boto3.Session
) -> None:
    open_window(factory, spec, "demo-app", "api", minutes=30, reason="r", actor=ALICE, now=NOW)
    open_window(factory, spec, "demo-app", "adhoc", minutes=30, reason="r", actor=ALICE, now=NOW)
    _retag(moto_account, "demo-app", "api", **{TAG_EXPIRES_AT: FAR})
    _retag(moto_account, "demo-app", "adhoc", **{TAG_EXPIRES_AT: "soon"})
    # valid ISO 8601 that overflows in UTC: was OverflowError, exit 1 for list, sweep and drift alike
    _retag(moto_account, "demo-app", "bluegreen", **{TAG_EXPIRES_AT: OVERFLOW})

    rows = {r.service: r.to_dict(NOW) for r in list_windows(factory, spec)}
    assert rows["api"]["state"] == "invalid" and rows["api"]["seconds_left"] == 0
    assert rows["adhoc"]["state"] == "invalid" and rows["adhoc"]["expires_at"] == "soon"  # was not listed
    assert rows["bluegreen"]["state"] == "invalid"

    report = sweep_windows(factory, spec, now=NOW, actor=BOB, stop_tasks=False)
    assert report.failures == ()
    assert {r.service: r.status for r in report.results} == {
        "api": "closed",
        "adhoc": "closed",
        "bluegreen": "closed",
    }
    assert not set(tags_of(moto_account, "demo-app", "bluegreen")) & set(WINDOW_TAG_KEYS)
    for name in ("api", "adhoc"):
        assert service(moto_account, "demo-app", name)["enableExecuteCommand"] is False
        assert not set(tags_of(moto_account, "demo-app", name)) & set(WINDOW_TAG_KEYS)


def test_extend_records_the_counting_start_when_the_opening_is_unreadable(
    spec: EnvironmentSpec, factory: ClientFactory, moto_account: boto3.Session
) -> None:
    open_window(factory, spec, "demo-app", "api", minutes=30, reason="r", actor=ALICE, now=NOW)
    _retag(moto_account, "demo-app", "api", **{TAG_OPENED_AT: "garbage"})
    later = NOW + timedelta(minutes=10)
    extend_window(factory, spec, "demo-app", "api", minutes=30, actor=ALICE, now=later)
    assert tags_of(moto_account, "demo-app", "api")[TAG_OPENED_AT] == "2026-11-30T12:10:00Z"
    # the next extend counts from that recorded start, not from its own now
    with pytest.raises(InvalidValueError, match="maximum"):
        extend_window(
            factory, spec, "demo-app", "api", minutes=15, actor=ALICE, now=later + timedelta(minutes=5)
        )


def test_open_over_a_hand_edited_window_opens_a_real_one(
    spec: EnvironmentSpec, factory: ClientFactory, moto_account: boto3.Session
) -> None:
    open_window(factory, spec, "demo-app", "api", minutes=30, reason="r", actor=ALICE, now=NOW)
    _retag(moto_account, "demo-app", "api", **{TAG_EXPIRES_AT: FAR})
    later = NOW + timedelta(minutes=5)  # past the lock grace: the old schedule is taken over
    result = open_window(factory, spec, "demo-app", "api", minutes=10, reason="again", actor=BOB, now=later)
    assert result.status == "opened"  # was "already-open" until 9999
    assert tags_of(moto_account, "demo-app", "api")[TAG_EXPIRES_AT] == "2026-11-30T12:15:00Z"
