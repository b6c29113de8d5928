"""CloudTrail record -> :class:`ExecSession`. Pure: no AWS calls.

Follows the CloudTrail record contents
(https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-record-contents.html)
and the ``userIdentity`` element
(https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-user-identity.html).
Records come from ``LookupEvents`` as ``Events[].CloudTrailEvent`` (a JSON string).
"""

from __future__ import annotations

import json
import re
from typing import Any

from ecs_exec.clock import parse_utc
from reconciler.audit.model import ExecSession, Identity

ECS_SOURCE = "ecs.amazonaws.com"
SSM_SOURCE = "ssm.amazonaws.com"
EXECUTE_COMMAND = "ExecuteCommand"
START_SESSION = "StartSession"
#: Role name prefix of IAM Identity Center (SSO) permission-set roles; the session name is the user.
SSO_ROLE_PREFIX = "AWSReservedSSO_"

# SSM Session Manager target of an ECS task: ecs:<cluster>_<taskId>_<runtimeId>, where the runtime id
# is "<taskId>-<container runtime id>". Cluster names may hold "_", so anchor on the task id
# (32 hex digits, or an old-style UUID) and take the cluster non-greedily.
_ECS_TARGET = re.compile(
    r"^ecs:(?P<cluster>[A-Za-z0-9_-]+?)_(?P<task>[0-9a-f]{32}|[0-9a-f]{8}(?:-[0-9a-f]{4}){3}-[0-9a-f]{12})"
    r"_(?P<runtime>[0-9A-Za-z-]+)$"
)


class RecordError(ValueError):
    """A CloudTrail record is not JSON or lacks ``eventID`` / ``eventTime``."""


def _str(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def last_segment(value: str | None) -> str | None:
    """``arn:aws:ecs:r:a:task/cl/abc`` -> ``abc``; ``cl`` -> ``cl``; None stays None."""
    if not value:
        return None
    return value.rsplit("/", 1)[-1] or None


def cluster_name(value: str | None) -> str | None:
    """Cluster name from a name or a cluster ARN (``arn:aws:ecs:r:a:cluster/<name>``)."""
    return last_segment(value)


def parse_identity(user_identity: dict[str, Any] | None) -> Identity:
    """Flatten CloudTrail ``userIdentity`` into an :class:`Identity`.

    ``AssumedRole``: ``role_arn`` is ``sessionContext.sessionIssuer.arn`` and ``session_name`` the last
    part of the ``assumed-role/<role>/<session>`` ARN; ``FederatedUser``: ``session_name`` is the
    federated user's name; ``sso`` is set for ``AWSReservedSSO_*`` roles.
    """
    ui = _dict(user_identity)
    typ = _str(ui.get("type")) or "Unknown"
    arn = _str(ui.get("arn"))
    ctx = _dict(ui.get("sessionContext"))
    issuer = _dict(ctx.get("sessionIssuer"))
    source_identity = _str(ctx.get("sourceIdentity")) or _str(ui.get("sourceIdentity"))
    role_arn = None
    role_name = None
    session_name = None
    if arn and ":assumed-role/" in arn:
        # assumed-role/<role name>/<session name>: role names carry no path here, session names no "/".
        role_name, _, session_name = arn.split(":assumed-role/", 1)[1].partition("/")
        if _str(issuer.get("type")) in (None, "Role"):
            role_arn = _str(issuer.get("arn"))
    elif arn and ":federated-user/" in arn:
        session_name = arn.split(":federated-user/", 1)[1]
    return Identity(
        type=typ,
        arn=arn,
        account_id=_str(ui.get("accountId")),
        principal_id=_str(ui.get("principalId")),
        user_name=_str(ui.get("userName")) if typ == "IAMUser" else None,
        role_arn=role_arn,
        session_name=session_name or None,
        source_identity=source_identity,
        sso=bool(role_name and role_name.startswith(SSO_ROLE_PREFIX)),
        invoked_by=_str(ui.get("invokedBy")),
        access_key_id=_str(ui.get("accessKeyId")),
    )


def parse_ecs_target(target: str | None) -> tuple[str, str, str] | None:
    """``ecs:<cluster>_<taskId>_<runtimeId>`` -> ``(cluster, taskId, runtimeId)``; None for other targets."""
    if not target:
        return None
    match = _ECS_TARGET.match(target)
    if not match:
        return None
    return match.group("cluster"), match.group("task"), match.group("runtime")


def load_record(raw: str | dict[str, Any]) -> dict[str, Any]:
    """A ``CloudTrailEvent`` JSON string (or an already decoded dict) -> dict.

    Raises:
        RecordError: not JSON or not an object.
    """
    if isinstance(raw, dict):
        return raw
    try:
        data = json.loads(raw)
    except (TypeError, ValueError) as exc:
        raise RecordError(f"CloudTrailEvent is not JSON: {exc}") from None
    if not isinstance(data, dict):
        raise RecordError("CloudTrailEvent is not a JSON object")
    return data


def parse_record(raw: str | dict[str, Any]) -> ExecSession | None:
    """One CloudTrail record -> :class:`ExecSession`, or None when it is not an ECS exec session.

    Kept: ``ecs.amazonaws.com`` ``ExecuteCommand`` records, and ``ssm.amazonaws.com`` ``StartSession``
    records whose ``requestParameters.target`` is an ECS task. A failed call keeps its ``errorCode``
    and has no ``session_id``.

    Raises:
        RecordError: not JSON, an ``ExecuteCommand`` / ``StartSession`` without ``eventSource``, or no
            ``eventID`` / unparsable ``eventTime``.
    """
    rec = load_record(raw)
    name = _str(rec.get("eventName"))
    source = _str(rec.get("eventSource"))
    if source is None and name in (EXECUTE_COMMAND, START_SESSION):
        raise RecordError(f"{name} record {_str(rec.get('eventID')) or '?'} without eventSource")
    if (source, name) not in ((ECS_SOURCE, EXECUTE_COMMAND), (SSM_SOURCE, START_SESSION)):
        return None
    event_id = _str(rec.get("eventID"))
    try:
        event_time = parse_utc(str(rec.get("eventTime")))
    except ValueError:
        raise RecordError(
            f"record {event_id or '?'}: eventTime {rec.get('eventTime')!r} is not ISO 8601"
        ) from None
    if not event_id:
        raise RecordError("record without eventID")
    req = _dict(rec.get("requestParameters"))
    resp = _dict(rec.get("responseElements"))
    common: dict[str, Any] = {
        "event_id": event_id,
        "event_name": name,
        "event_source": source,
        "event_time": event_time,
        "identity": parse_identity(rec.get("userIdentity")),
        "region": _str(rec.get("awsRegion")),
        "source_ip": _str(rec.get("sourceIPAddress")),
        "user_agent": _str(rec.get("userAgent")),
        "error_code": _str(rec.get("errorCode")),
        "error_message": _str(rec.get("errorMessage")),
    }
    if name == START_SESSION:
        target = _str(req.get("target"))
        parsed = parse_ecs_target(target)
        if parsed is None:
            return None
        cluster, task, _runtime = parsed
        return ExecSession(
            **common, cluster=cluster, task=task, target=target, session_id=_str(resp.get("sessionId"))
        )
    interactive = req.get("interactive", resp.get("interactive"))
    return ExecSession(
        **common,
        cluster=cluster_name(_str(req.get("cluster")) or _str(resp.get("clusterArn"))),
        task=last_segment(_str(req.get("task")) or _str(resp.get("taskArn"))),
        container=_str(req.get("container")) or _str(resp.get("containerName")),
        command=_str(req.get("command")),
        interactive=interactive if isinstance(interactive, bool) else None,
        session_id=_str(_dict(resp.get("session")).get("sessionId")),
    )
