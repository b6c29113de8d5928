"""The real person behind a session: join it to the STS event that issued its credentials. Pure.

An exec session made with temporary credentials carries, in its ``userIdentity``, the ``accessKeyId``
and ``principalId`` (``<role id>:<session name>``) of the role session. The STS event that created that
role session (``AssumeRole``, ``AssumeRoleWithSAML``, ``AssumeRoleWithWebIdentity``; CloudTrail records
it in ``us-east-1`` for the global endpoint, else in the endpoint's region) names the same
``responseElements.credentials.accessKeyId`` and ``responseElements.assumedRoleUser.assumedRoleId``,
and, in its own ``userIdentity``, who actually asked: the real caller
(https://docs.aws.amazon.com/IAM/latest/UserGuide/cloudtrail-integration.html#cloudtrail-integration_examples-sts-api).

The join is by access key id; when the record has none, by principal id, taking the latest issuing
event at most :data:`MAX_ROLE_SESSION` before the session (a role session lasts at most 12 hours). When
the caller is itself a role session that is not an IAM Identity Center one (role chaining), the join is
followed up the chain (at most :data:`MAX_CHAIN` links) to the first caller that names a person. No
issuing event found: the caller is unknown (None), never guessed.

The source identity a session carries was chosen by whoever assumed the role (unless a trust policy
binds it): :func:`source_identity_mismatch` compares it with the real caller's name.
"""

from __future__ import annotations

import bisect
import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from ecs_exec.clock import parse_utc
from reconciler.audit.model import Caller, Identity
from reconciler.audit.parse import SSO_ROLE_PREFIX, load_record, parse_identity

log = logging.getLogger("ecs_exec.audit")

STS_SOURCE = "sts.amazonaws.com"
#: The STS events that issue role-session credentials (one ``LookupEvents`` query each).
ISSUING_EVENT_NAMES = ("AssumeRole", "AssumeRoleWithSAML", "AssumeRoleWithWebIdentity")
#: The longest role session (``DurationSeconds`` up to 43200): issuing events are read this far back.
MAX_ROLE_SESSION = timedelta(hours=12)
#: The region where CloudTrail records calls to the global STS endpoint (``sts.amazonaws.com``).
GLOBAL_STS_REGION = "us-east-1"
#: Role-chaining links followed at most.
MAX_CHAIN = 5
#: Caller types whose ``userIdentity.userName`` names the person (the IdP's subject).
_FEDERATED_TYPES = ("SAMLUser", "WebIdentityUser")


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _str(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def _is_sso_role_arn(arn: str | None) -> bool:
    if not arn:
        return False
    role = arn.split(":assumed-role/", 1)[1] if ":assumed-role/" in arn else arn.rsplit("/", 1)[-1]
    return role.split("/", 1)[0].startswith(SSO_ROLE_PREFIX)


@dataclass(frozen=True)
class Issuance:
    """One STS event that issued role-session credentials.

    Attributes:
        event_id / event_name / event_time: of the STS record (``eventTime`` UTC).
        access_key_id: ``responseElements.credentials.accessKeyId``.
        assumed_role_id: ``responseElements.assumedRoleUser.assumedRoleId`` (``AROA...:<session>``).
        role_arn: ``requestParameters.roleArn``.
        caller: the record's ``userIdentity``.
        user_name: raw ``userIdentity.userName`` (SAML / web identity subject).
    """

    event_id: str
    event_name: str
    event_time: datetime
    access_key_id: str | None
    assumed_role_id: str | None
    role_arn: str | None
    caller: Identity
    user_name: str | None = None


def parse_issuance(raw: str | dict[str, Any]) -> Issuance | None:
    """One CloudTrail record -> :class:`Issuance`, or None when it is not a successful ``AssumeRole*``.

    Raises:
        reconciler.audit.parse.RecordError: not JSON.
    """
    rec = load_record(raw)
    if rec.get("eventSource") != STS_SOURCE or rec.get("eventName") not in ISSUING_EVENT_NAMES:
        return None
    if rec.get("errorCode"):
        return None
    resp = _dict(rec.get("responseElements"))
    key = _str(_dict(resp.get("credentials")).get("accessKeyId"))
    role_id = _str(_dict(resp.get("assumedRoleUser")).get("assumedRoleId"))
    event_id = _str(rec.get("eventID"))
    if not event_id or not (key or role_id):
        return None
    try:
        when = parse_utc(str(rec.get("eventTime")))
    except ValueError:
        return None
    ui = _dict(rec.get("userIdentity"))
    return Issuance(
        event_id=event_id,
        event_name=str(rec["eventName"]),
        event_time=when,
        access_key_id=key,
        assumed_role_id=role_id,
        role_arn=_str(_dict(rec.get("requestParameters")).get("roleArn")),
        caller=parse_identity(ui),
        user_name=_str(ui.get("userName")),
    )


@dataclass
class IssuanceIndex:
    """Issuing events by access key id and by principal id (time-sorted). Build with :meth:`of`."""

    by_key: dict[str, Issuance] = field(default_factory=dict)
    by_principal: dict[str, list[Issuance]] = field(default_factory=dict)
    unreadable: int = 0

    @classmethod
    def of(cls, raws: Iterable[str | dict[str, Any]]) -> IssuanceIndex:
        """Index every issuing record of ``raws``; other records are ignored, unparsable ones counted."""
        index = cls()
        for raw in raws:
            try:
                item = parse_issuance(raw)
            except ValueError:
                index.unreadable += 1
                continue
            if item is None:
                continue
            if item.access_key_id:
                index.by_key[item.access_key_id] = item
            if item.assumed_role_id:
                index.by_principal.setdefault(item.assumed_role_id, []).append(item)
        for items in index.by_principal.values():
            items.sort(key=lambda i: i.event_time)
        return index

    @property
    def size(self) -> int:
        """How many issuing events are indexed."""
        events = {i.event_id for items in self.by_principal.values() for i in items}
        return len(events | {i.event_id for i in self.by_key.values()})

    def issuing(self, identity: Identity, at: datetime) -> Issuance | None:
        """The event that issued ``identity``'s credentials used at ``at`` (UTC), or None."""
        if identity.access_key_id and identity.access_key_id in self.by_key:
            return self.by_key[identity.access_key_id]
        if identity.access_key_id and identity.access_key_id.startswith("ASIA"):
            # A known temporary key that no event issued: the event is outside what was read.
            # Falling back to the principal id could pick another session of the same name.
            return None
        items = self.by_principal.get(identity.principal_id or "")
        if not items:
            return None
        pos = bisect.bisect_right([i.event_time for i in items], at)
        if pos == 0:
            return None
        best = items[pos - 1]
        return best if at - best.event_time <= MAX_ROLE_SESSION else None


def _caller_of(item: Issuance) -> Caller:
    c = item.caller
    if c.type == "IAMUser":
        return Caller("IAMUser", c.arn, c.user_name, item.event_id)
    if c.type in _FEDERATED_TYPES:
        return Caller(c.type, c.arn, item.user_name, item.event_id, sso=_is_sso_role_arn(item.role_arn))
    if c.type == "AssumedRole":
        return Caller(c.type, c.arn, c.session_name if c.sso else None, item.event_id, sso=c.sso)
    return Caller(c.type, c.arn, c.user_name, item.event_id)


def resolve_caller(identity: Identity, at: datetime, index: IssuanceIndex) -> Caller | None:
    """The real caller of a session made by ``identity`` at ``at`` (UTC); None when unknown.

    - ``IAMUser`` (long-term keys) and ``Root``: the identity itself (``event_id`` None).
    - ``AssumedRole``: the caller of the issuing event, followed through role chaining while that
      caller is a role session that names no person (not ``AWSReservedSSO_*``) and its own issuing
      event is known; the last caller found is returned.
    - An IAM Identity Center role session (``AWSReservedSSO_*``) whose issuing event was not read: the
      session itself, its session name being the SSO user (IAM Identity Center sets it; the role trusts
      only its SAML provider), ``event_id`` None.
    - Anything else, or no issuing event: None.
    """
    if identity.type in ("IAMUser", "Root"):
        return Caller(identity.type, identity.arn, identity.user_name, None)
    if identity.type != "AssumedRole":
        return None
    item = index.issuing(identity, at)
    if item is None:
        if identity.sso and identity.session_name:
            return Caller("AssumedRole", identity.arn, identity.session_name, None, sso=True)
        return None
    caller = _caller_of(item)
    for _ in range(MAX_CHAIN):
        if item.caller.type != "AssumedRole" or item.caller.sso:
            break
        upper = index.issuing(item.caller, item.event_time)
        if upper is None:
            break
        item, caller = upper, _caller_of(upper)
    return caller


def source_identity_mismatch(identity: Identity, caller: Caller | None) -> bool:
    """True when ``identity``'s source identity differs from the real caller's name.

    Compared (case-insensitively: IAM user names are unique regardless of case) with the user name of an
    ``IAMUser`` caller, and with the SSO user of an IAM Identity Center caller (an ``AWSReservedSSO_*``
    role session, or the SAML sign-in that issued one). No source identity, an unknown caller, or a caller
    of another kind (a SAML or web identity outside Identity Center, a role session naming no person):
    nothing to compare, False.
    """
    asserted = identity.source_identity
    if not asserted or caller is None or not caller.user_name:
        return False
    if caller.type == "IAMUser" or caller.sso:
        return asserted.casefold() != caller.user_name.casefold()
    return False
