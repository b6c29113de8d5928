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

PERMISSIONS = ("cloudtrail:LookupEvents",)
#: Largest page ``LookupEvents`` returns.
PAGE_SIZE = 50


def lookup_records(client: Any, event_name: str, since: datetime, until: datetime) -> Iterator[str]:
    """Yield the ``CloudTrailEvent`` JSON strings of ``event_name`` events between ``since`` and ``until`` (UTC).

    Follows ``NextToken`` across pages (newest first, as CloudTrail returns them).

    Raises:
        botocore.exceptions.ClientError: the call failed after the retries (the CLI maps it to exit 5).
    """
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
