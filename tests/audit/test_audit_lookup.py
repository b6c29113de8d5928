"""CloudTrail LookupEvents: paging with Stubber (moto lacks the API); a throttled page retried by the real
standard retry mode, answered by a ``before-send`` hook (Stubber answers before retries). The hook tests run outside
``mock_aws``: botocore calls every ``before-send`` handler, and moto's would raise "not implemented"
for LookupEvents; the hook's answer means no request leaves the process."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from audit_records import assumed_role, execute_command, iam_user, lookup_event, page
from botocore.awsrequest import AWSResponse
from botocore.exceptions import ClientError
from botocore.stub import ANY, Stubber

from ecs_exec.aws import ClientFactory
from reconciler.audit.lookup import lookup_records
from reconciler.audit.parse import parse_record

SINCE = datetime(2026, 11, 29, 12, 0, tzinfo=UTC)
UNTIL = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)


def _expected(token: str | None = None) -> dict[str, Any]:
    params: dict[str, Any] = {
        "LookupAttributes": [{"AttributeKey": "EventName", "AttributeValue": "ExecuteCommand"}],
        "StartTime": ANY,
        "EndTime": ANY,
        "MaxResults": 50,
    }
    if token:
        params["NextToken"] = token
    return params


def test_follows_next_token_across_pages(factory: ClientFactory) -> None:
    client = factory.client("cloudtrail")
    records = [
        execute_command(iam_user(f"user{i}"), session_id=f"ecs-execute-command-{i:017d}") for i in range(5)
    ]
    with Stubber(client) as stub:
        stub.add_response("lookup_events", page(records[:2], "t1"), _expected())
        stub.add_response("lookup_events", page(records[2:4], "t2"), _expected("t1"))
        stub.add_response("lookup_events", page(records[4:]), _expected("t2"))
        got = list(lookup_records(client, "ExecuteCommand", SINCE, UNTIL))
        stub.assert_no_pending_responses()
    sessions = [parse_record(r) for r in got]
    assert [s.session_id for s in sessions if s] == [
        r["responseElements"]["session"]["sessionId"] for r in records
    ]


class _Body:
    """The raw body of an ``AWSResponse`` (botocore reads ``raw.stream()``)."""

    def __init__(self, data: bytes) -> None:
        self._data = data

    def stream(self, **_: Any) -> Iterator[bytes]:
        yield self._data


def _response(status: int, body: dict[str, Any]) -> AWSResponse:
    headers = {"Content-Type": "application/x-amz-json-1.1", "x-amzn-RequestId": "req-1"}
    return AWSResponse(
        "https://cloudtrail.us-east-1.amazonaws.com/", status, headers, _Body(json.dumps(body).encode())
    )


def _json_page(records: list[dict[str, Any]]) -> dict[str, Any]:
    events = [lookup_event(r) for r in records]
    for ev in events:  # the JSON protocol sends timestamps as epoch seconds
        ev["EventTime"] = datetime.fromisoformat(ev["EventTime"].replace("Z", "+00:00")).timestamp()
    return {"Events": events}


@pytest.fixture()
def plain_factory() -> ClientFactory:
    """A real factory (standard retry mode, 3 attempts, fake credentials), not under moto."""
    return ClientFactory("us-east-1", max_attempts=3)


def test_throttled_first_page_succeeds_on_retry(plain_factory: ClientFactory) -> None:
    client = plain_factory.client("cloudtrail")
    record = execute_command(assumed_role(session="bob"))
    attempts: list[int] = []

    def send(request: Any, **_: Any) -> AWSResponse:
        attempts.append(1)
        if len(attempts) == 1:
            return _response(400, {"__type": "ThrottlingException", "message": "Rate exceeded"})
        return _response(200, _json_page([record]))

    client.meta.events.register("before-send.cloudtrail.LookupEvents", send)
    got = list(lookup_records(client, "ExecuteCommand", SINCE, UNTIL))
    assert len(attempts) == 2
    session = parse_record(got[0])
    assert session is not None and session.identity.session_name == "bob"


def test_throttled_beyond_the_retries_raises_throttling() -> None:
    # throttle_max_attempts (default 12) counts every attempt of a throttled call, the first included.
    client = ClientFactory("us-east-1", max_attempts=2, throttle_max_attempts=2).client("cloudtrail")
    attempts: list[int] = []

    def send(request: Any, **_: Any) -> AWSResponse:
        attempts.append(1)
        return _response(400, {"__type": "ThrottlingException", "message": "Rate exceeded"})

    client.meta.events.register("before-send.cloudtrail.LookupEvents", send)
    with pytest.raises(ClientError) as err:
        list(lookup_records(client, "ExecuteCommand", SINCE, UNTIL))
    assert err.value.response["Error"]["Code"] == "ThrottlingException"
    assert len(attempts) == 2


def _html_500() -> AWSResponse:
    """What the embedded moto server answers for an API it does not implement (LookupEvents)."""
    html = b"<!doctype html>\n<html lang=en>\n<title>500 Internal Server Error</title>\n<h1>Internal Server Error</h1>\n"
    return AWSResponse(
        "http://127.0.0.1:5000/", 500, {"Content-Type": "text/html; charset=utf-8"}, _Body(html)
    )


def test_endpoint_without_lookup_events_fails_at_once_in_one_line(plain_factory: ClientFactory) -> None:
    # Regression: moto's HTML 500 was retried for ~7 s, then printed as a five-line error.
    from ecs_exec.errors import AwsError
    from reconciler.audit.report import collect_sessions
    from reconciler.audit.timerange import TimeRange

    client = plain_factory.client("cloudtrail")
    attempts: list[int] = []

    def send(request: Any, **_: Any) -> AWSResponse:
        attempts.append(1)
        return _html_500()

    client.meta.events.register("before-send.cloudtrail.LookupEvents", send)
    with pytest.raises(AwsError) as err:
        collect_sessions(plain_factory, TimeRange(SINCE, UNTIL), [])
    assert attempts == [1]  # not retried (the factory allows 3 attempts)
    assert err.value.exit_code == 5
    message = str(err.value)
    assert "\n" not in message and "<" not in message
    assert "does not implement CloudTrail LookupEvents" in message


def test_a_real_internal_failure_is_still_retried(monkeypatch: pytest.MonkeyPatch) -> None:
    client = ClientFactory("us-east-1", max_attempts=2).client("cloudtrail")
    monkeypatch.setattr("botocore.endpoint.time.sleep", lambda _seconds: None)  # no backoff wait in tests
    attempts: list[int] = []

    def send(request: Any, **_: Any) -> AWSResponse:
        attempts.append(1)
        return _response(500, {"__type": "InternalFailure", "message": "try again"})

    client.meta.events.register("before-send.cloudtrail.LookupEvents", send)
    with pytest.raises(ClientError) as err:
        list(lookup_records(client, "ExecuteCommand", SINCE, UNTIL))
    assert err.value.response["Error"]["Code"] == "InternalFailure"
    assert len(attempts) == 2


def test_describe_error_of_an_html_answer_is_one_line() -> None:
    from ecs_exec.aws import describe_error

    html = "<!doctype html>\n<html lang=en>\n<title>500 Internal Server Error</title>\n<h1>Oops</h1>\n"
    exc = ClientError({"Error": {"Code": "500", "Message": html}}, "LookupEvents")
    assert describe_error(exc) == "500: 500 Internal Server Error Oops"
    plain = ClientError({"Error": {"Code": "AccessDenied", "Message": "x <y> z"}}, "LookupEvents")
    assert describe_error(plain) == "AccessDenied: x <y> z"  # only a message that *is* HTML loses tags
