"""Read the STS events that issued the sessions' credentials (AWS side of :mod:`.callers`).

From CloudTrail ``LookupEvents``: one query per name of :data:`~reconciler.audit.callers.ISSUING_EVENT_NAMES`,
from the period's start less :data:`~reconciler.audit.callers.MAX_ROLE_SESSION` (the longest role
session) to its end, in the environment's region and in ``us-east-1`` (where CloudTrail records calls to
the global STS endpoint). From ``--events-file``: the STS records the files hold (see
:mod:`.event_files`, which keeps them whatever their ``awsRegion``).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from ecs_exec.aws import ClientFactory, describe_error
from reconciler.audit.callers import GLOBAL_STS_REGION, ISSUING_EVENT_NAMES, MAX_ROLE_SESSION, IssuanceIndex
from reconciler.audit.lookup import lookup_records
from reconciler.audit.model import ExecSession
from reconciler.audit.timerange import TimeRange

PERMISSIONS = ("cloudtrail:LookupEvents",)


def needs_issuers(sessions: Iterable[ExecSession]) -> bool:
    """True when a session was made by a role session (only those have an issuing event)."""
    return any(s.identity.type == "AssumedRole" and not s.failed for s in sessions)


def lookup_issuers(factory: ClientFactory, rng: TimeRange, errors: list[str]) -> IssuanceIndex:
    """``LookupEvents`` for every issuing event name in the region and ``us-east-1`` -> an index.

    AWS: ``cloudtrail:LookupEvents``. A query that fails is one line in ``errors`` (the callers it would
    have named stay unknown; exit 6), never raised.
    """
    raws: list[str] = []
    regions = dict.fromkeys((factory.region, GLOBAL_STS_REGION))
    for region in regions:
        client = factory.for_region(region).client("cloudtrail")
        for name in ISSUING_EVENT_NAMES:
            try:
                raws.extend(lookup_records(client, name, rng.since - MAX_ROLE_SESSION, rng.until))
            except (ClientError, BotoCoreError) as exc:
                errors.append(
                    f"cloudtrail:LookupEvents (EventName={name}, {region}) failed: {describe_error(exc)}; "
                    "callers unknown"
                )
    return IssuanceIndex.of(raws)


def file_issuers(records: Iterable[dict[str, Any]]) -> IssuanceIndex:
    """The index of the STS records read from ``--events-file``. No AWS call."""
    return IssuanceIndex.of(records)


def issuers_for(
    factory: ClientFactory,
    sessions: Iterable[ExecSession],
    rng: TimeRange,
    errors: list[str],
    file_records: list[dict[str, Any]] | None = None,
) -> IssuanceIndex | None:
    """The issuing events the callers of ``sessions`` need: from ``file_records`` (``--events-file``) when
    given, else from ``LookupEvents`` over ``rng`` (see :func:`lookup_issuers`); None (no call) when no
    session was made by a role session."""
    if not needs_issuers(sessions):
        return None
    if file_records is not None:
        return file_issuers(file_records)
    return lookup_issuers(factory, rng, errors)
