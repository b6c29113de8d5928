"""Helpers of the audit tests: the API-call recorder and the IAM action of a recorded call."""

from __future__ import annotations

from typing import Any


class CallRecorder:
    """Records ``<service>.<Operation>`` of every call made by clients of a factory (``before-call``)."""

    def __init__(self) -> None:
        self.calls: list[str] = []

    def __call__(self, model: Any = None, params: Any = None, **_: Any) -> None:
        name = f"{model.service_model.endpoint_prefix}.{model.name}"
        # ``params`` is the serialized request here: the version travels in the query string.
        if name == "s3.GetObject" and "versionId" in str((params or {}).get("query_string", "")) + str(
            (params or {}).get("url_path", "")
        ):
            name = "s3.GetObject(VersionId)"
        self.calls.append(name)


# IAM actions whose name differs from the API operation.
_IAM_ACTION = {
    "s3.ListObjectsV2": "s3:ListBucket",
    "s3.ListObjectVersions": "s3:ListBucketVersions",
    "s3.GetObject(VersionId)": "s3:GetObjectVersion",
}


def iam_action(call: str) -> str:
    """``s3.ListObjectsV2`` -> ``s3:ListBucket``; otherwise ``<prefix>:<Operation>``."""
    return _IAM_ACTION.get(call, call.replace(".", ":", 1))


def stub_cloudtrail(
    factory: Any,
    execute_command_pages: list[dict[str, Any]],
    start_session_pages: list[dict[str, Any]],
    assume_role_pages: list[dict[str, Any]] | None = None,
    *,
    issuers: bool = True,
) -> Any:
    """Activate a Stubber on the factory's CloudTrail client answering the queries of the audit, in order:
    ExecuteCommand, StartSession, then (``issuers``: sessions of role sessions exist) AssumeRole,
    AssumeRoleWithSAML and AssumeRoleWithWebIdentity (the config's region is us-east-1, the region of the
    global STS endpoint too, so one client answers all).

    Each list holds ``LookupEvents`` response pages (``audit_records.page``); chain them with ``NextToken``.
    """
    from botocore.stub import ANY, Stubber

    stub = Stubber(factory.client("cloudtrail"))
    queries: list[tuple[str, list[dict[str, Any]]]] = [
        ("ExecuteCommand", execute_command_pages),
        ("StartSession", start_session_pages),
    ]
    if issuers:
        queries += [
            ("AssumeRole", assume_role_pages or []),
            ("AssumeRoleWithSAML", []),
            ("AssumeRoleWithWebIdentity", []),
        ]
    for name, pages in queries:
        token = None
        for pg in pages or [{"Events": []}]:
            params: dict[str, Any] = {
                "LookupAttributes": [{"AttributeKey": "EventName", "AttributeValue": name}],
                "StartTime": ANY,
                "EndTime": ANY,
                "MaxResults": ANY,
            }
            if token:
                params["NextToken"] = token
            stub.add_response("lookup_events", pg, params)
            token = pg.get("NextToken")
    stub.activate()
    return stub
