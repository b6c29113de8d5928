"""CloudTrail records in the documented shape (record contents + userIdentity element), for the audit tests.

Each builder returns the decoded record; ``lookup_event`` wraps it the way ``LookupEvents`` returns it
(``CloudTrailEvent`` is a JSON string).
"""

from __future__ import annotations

import json
import uuid
from typing import Any

ACCOUNT = "123456789012"
REGION = "us-east-1"
TASK_ID = "0123456789abcdef0123456789abcdef"


def iam_user(name: str = "alice") -> dict[str, Any]:
    return {
        "type": "IAMUser",
        "principalId": "AIDAEXAMPLEALICE",
        "arn": f"arn:aws:iam::{ACCOUNT}:user/{name}",
        "accountId": ACCOUNT,
        "accessKeyId": "AKIAEXAMPLE",
        "userName": name,
    }


def assumed_role(
    role: str = "ecs-exec-operator-test",
    session: str = "bob",
    source_identity: str | None = None,
    access_key: str = "ASIAEXAMPLE",
) -> dict[str, Any]:
    ctx: dict[str, Any] = {
        "sessionIssuer": {
            "type": "Role",
            "principalId": "AROAEXAMPLEROLE",
            "arn": f"arn:aws:iam::{ACCOUNT}:role/{role}",
            "accountId": ACCOUNT,
            "userName": role,
        },
        "webIdFederationData": {},
        "attributes": {"creationDate": "2026-11-30T08:00:00Z", "mfaAuthenticated": "false"},
    }
    if source_identity is not None:
        ctx["sourceIdentity"] = source_identity
    return {
        "type": "AssumedRole",
        "principalId": f"AROAEXAMPLEROLE:{session}",
        "arn": f"arn:aws:sts::{ACCOUNT}:assumed-role/{role}/{session}",
        "accountId": ACCOUNT,
        "accessKeyId": access_key,
        "sessionContext": ctx,
    }


def sso_user(user: str = "carol@example.com", permission_set: str = "PowerUser") -> dict[str, Any]:
    role = f"AWSReservedSSO_{permission_set}_0123456789abcdef"
    ident = assumed_role(role=role, session=user)
    ident["sessionContext"]["sessionIssuer"]["arn"] = (
        f"arn:aws:iam::{ACCOUNT}:role/aws-reserved/sso.amazonaws.com/{REGION}/{role}"
    )
    return ident


def execute_command(
    identity: dict[str, Any],
    *,
    at: str = "2026-11-30T10:00:00Z",
    cluster: str = "payments",
    task: str = TASK_ID,
    container: str = "app",
    command: str = "/bin/sh",
    session_id: str | None = "ecs-execute-command-0a1b2c3d4e5f60001",
    error_code: str | None = None,
    cluster_as_arn: bool = False,
) -> dict[str, Any]:
    """An ``ecs:ExecuteCommand`` record; ``error_code`` makes it a failed call (no responseElements)."""
    cluster_arn = f"arn:aws:ecs:{REGION}:{ACCOUNT}:cluster/{cluster}"
    record: dict[str, Any] = {
        "eventVersion": "1.08",
        "userIdentity": identity,
        "eventTime": at,
        "eventSource": "ecs.amazonaws.com",
        "eventName": "ExecuteCommand",
        "awsRegion": REGION,
        "sourceIPAddress": "203.0.113.10",
        "userAgent": "aws-cli/2.15.0 Python/3.11.6 Linux/6.5 exe/x86_64 command/ecs.execute-command",
        "requestParameters": {
            "cluster": cluster_arn if cluster_as_arn else cluster,
            "container": container,
            "command": command,
            "interactive": True,
            "task": task,
        },
        "responseElements": None,
        "requestID": str(uuid.uuid4()),
        "eventID": str(uuid.uuid4()),
        "readOnly": False,
        "eventType": "AwsApiCall",
        "managementEvent": True,
        "recipientAccountId": ACCOUNT,
        "eventCategory": "Management",
    }
    if error_code:
        record["errorCode"] = error_code
        record["errorMessage"] = "User is not authorized to perform: ecs:ExecuteCommand"
    else:
        record["responseElements"] = {
            "clusterArn": cluster_arn,
            "containerArn": f"arn:aws:ecs:{REGION}:{ACCOUNT}:container/{cluster}/{task}/0000",
            "containerName": container,
            "interactive": True,
            "session": {
                "sessionId": session_id,
                "streamUrl": "HIDDEN_DUE_TO_SECURITY_REASONS",
                "tokenValue": "HIDDEN_DUE_TO_SECURITY_REASONS",
            },
            "taskArn": f"arn:aws:ecs:{REGION}:{ACCOUNT}:task/{cluster}/{task}",
        }
    return record


def start_session(
    identity: dict[str, Any],
    *,
    target: str = f"ecs:payments_{TASK_ID}_{TASK_ID}-2531612879",
    at: str = "2026-11-30T10:30:00Z",
    session_id: str = "bob-0a1b2c3d4e5f6a7b8",
) -> dict[str, Any]:
    """An ``ssm:StartSession`` record."""
    return {
        "eventVersion": "1.08",
        "userIdentity": identity,
        "eventTime": at,
        "eventSource": "ssm.amazonaws.com",
        "eventName": "StartSession",
        "awsRegion": REGION,
        "sourceIPAddress": "203.0.113.11",
        "userAgent": "aws-cli/2.15.0",
        "requestParameters": {"target": target},
        "responseElements": {
            "sessionId": session_id,
            "tokenValue": "Value hidden due to security reasons.",
            "streamUrl": f"wss://ssmmessages.{REGION}.amazonaws.com/v1/data-channel/{session_id}",
        },
        "requestID": str(uuid.uuid4()),
        "eventID": str(uuid.uuid4()),
        "readOnly": False,
        "eventType": "AwsApiCall",
        "managementEvent": True,
        "recipientAccountId": ACCOUNT,
    }


def assume_role(
    caller: dict[str, Any],
    *,
    access_key: str,
    role: str = "ecs-exec-operator-test",
    session: str = "alice",
    source_identity: str | None = "alice",
    at: str = "2026-11-30T09:00:00Z",
    event_name: str = "AssumeRole",
    region: str = REGION,
) -> dict[str, Any]:
    """An ``sts:AssumeRole*`` record by ``caller`` (its ``userIdentity``) that issued ``access_key`` for
    ``role``/``session`` and set ``source_identity``."""
    request: dict[str, Any] = {"roleArn": f"arn:aws:iam::{ACCOUNT}:role/{role}", "roleSessionName": session}
    response: dict[str, Any] = {
        "credentials": {
            "accessKeyId": access_key,
            "sessionToken": "HIDDEN",
            "expiration": "Nov 30, 2026, 10:00:00 AM",
        },
        "assumedRoleUser": {
            "assumedRoleId": f"AROAEXAMPLEROLE:{session}",
            "arn": f"arn:aws:sts::{ACCOUNT}:assumed-role/{role}/{session}",
        },
    }
    if source_identity is not None:
        request["sourceIdentity"] = source_identity
        response["sourceIdentity"] = source_identity
    return {
        "eventVersion": "1.08",
        "userIdentity": caller,
        "eventTime": at,
        "eventSource": "sts.amazonaws.com",
        "eventName": event_name,
        "awsRegion": region,
        "sourceIPAddress": "203.0.113.10",
        "userAgent": "aws-cli/2.15.0",
        "requestParameters": request,
        "responseElements": response,
        "requestID": str(uuid.uuid4()),
        "eventID": str(uuid.uuid4()),
        "readOnly": True,
        "eventType": "AwsApiCall",
        "managementEvent": True,
        "recipientAccountId": ACCOUNT,
        "eventCategory": "Management",
    }


def saml_user(user: str = "carol@example.com") -> dict[str, Any]:
    """``userIdentity`` of an ``AssumeRoleWithSAML`` call (IAM Identity Center sign-in)."""
    return {
        "type": "SAMLUser",
        "principalId": f"EXAMPLEISSUER=:{user}",
        "userName": user,
        "identityProvider": "EXAMPLEISSUER=",
    }


def lookup_event(record: dict[str, Any]) -> dict[str, Any]:
    """``LookupEvents`` ``Events[]`` item for ``record``."""
    return {
        "EventId": record["eventID"],
        "EventName": record["eventName"],
        "ReadOnly": "false",
        "EventTime": record["eventTime"],
        "EventSource": record["eventSource"],
        "Username": record["userIdentity"].get("userName")
        or record["userIdentity"]["arn"].rsplit("/", 1)[-1],
        "Resources": [],
        "CloudTrailEvent": json.dumps(record),
    }


def page(records: list[dict[str, Any]], next_token: str | None = None) -> dict[str, Any]:
    """A ``LookupEvents`` response page."""
    resp: dict[str, Any] = {"Events": [lookup_event(r) for r in records]}
    if next_token:
        resp["NextToken"] = next_token
    return resp
