"""CloudTrail ``LookupEvents`` (event history, last 90 days) through the boto3 paginator.

``LookupEvents`` allows about 2 requests per second per account and region; the client from
:class:`~ecs_exec.aws.ClientFactory` uses the *standard* retry mode, which backs off and retries a
``ThrottlingException`` on its own. Only one lookup attribute is allowed per request, so each event
name is its own query.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any

from botocore.exceptions import BotoCoreError

PERMISSIONS = ("cloudtrail:LookupEvents",)
#: Largest page ``LookupEvents`` returns.
PAGE_SIZE = 50
#: HTTP statuses that, with no AWS error code in the body, mean the endpoint does not implement the API.
_NOT_IMPLEMENTED_STATUS = (500, 501)


class LookupUnavailable(BotoCoreError):
    """The endpoint answered ``LookupEvents`` with an HTTP 500/501 that is not an AWS error (no error code).

    That is an endpoint without CloudTrail event history (the embedded moto server answers an HTML
    page): retrying cannot help, so it is not retried.
    """

    fmt = (
        "HTTP {status} without an AWS error code: this endpoint does not implement CloudTrail "
        "LookupEvents (the embedded moto server does not)"
    )


def _no_retry_without_aws_answer(response: Any = None, **_: Any) -> None:
    """``needs-retry`` hook: stop at once on a 500/501 whose body carries no AWS error code.

    The standard retry mode retries every 5xx up to ``max_attempts`` with backoff (about 7 s); a real
    CloudTrail ``InternalFailure`` has a code and is still retried. botocore has no setting to skip
    retries for a non-AWS answer, hence this hook (raising from it ends the call).
    """
    if not response:
        return
    http, parsed = response
    code = str((parsed or {}).get("Error", {}).get("Code", ""))
    if getattr(http, "status_code", None) in _NOT_IMPLEMENTED_STATUS and (not code or code.isdigit()):
        raise LookupUnavailable(status=http.status_code)


def lookup_records(client: Any, event_name: str, since: datetime, until: datetime) -> Iterator[str]:
    """Yield the ``CloudTrailEvent`` JSON strings of ``event_name`` events between ``since`` and ``until`` (UTC).

    Follows ``NextToken`` across pages (newest first, as CloudTrail returns them).

    Raises:
        botocore.exceptions.ClientError: the call failed after the retries (the CLI maps it to exit 5).
        LookupUnavailable: the endpoint does not implement ``LookupEvents`` (no retries).
    """
    client.meta.events.register(
        "needs-retry.cloudtrail.LookupEvents",
        _no_retry_without_aws_answer,
        unique_id="ecs-exec-audit-lookup-no-retry",
    )
    paginator = client.get_paginator("lookup_events")
    pages = paginator.paginate(
        LookupAttributes=[{"AttributeKey": "EventName", "AttributeValue": event_name}],
        StartTime=since,
        EndTime=until,
        PaginationConfig={"PageSize": PAGE_SIZE},
    )
    for page in pages:
        for event in page.get("Events", []):
            raw = event.get("CloudTrailEvent")
            if raw:
                yield raw
