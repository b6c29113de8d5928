"""Helpers of the audit tests: the API-call recorder and the IAM action of a recorded call."""

from __future__ import annotations

from typing import Any


class CallRecorder:
    """Records ``<service>.<Operation>`` of every call made by clients of a factory (``before-call``)."""

    def __init__(self) -> None:
        self.calls: list[str] = []

    def __call__(self, model: Any = None, **_: Any) -> None:
        self.calls.append(f"{model.service_model.endpoint_prefix}.{model.name}")


# IAM actions whose name differs from the API operation.
_IAM_ACTION = {"s3.ListObjectsV2": "s3:ListBucket"}


def iam_action(call: str) -> str:
    """``s3.ListObjectsV2`` -> ``s3:ListBucket``; otherwise ``<prefix>:<Operation>``."""
    return _IAM_ACTION.get(call, call.replace(".", ":", 1))


def stub_cloudtrail(
    factory: Any, execute_command_pages: list[dict[str, Any]], start_session_pages: list[dict[str, Any]]
) -> Any:
    """Activate a Stubber on the factory's CloudTrail client answering the two queries of the audit, in order.

    Each list holds ``LookupEvents`` response pages (``audit_records.page``); chain them with ``NextToken``.
    """
    from botocore.stub import ANY, Stubber

    stub = Stubber(factory.client("cloudtrail"))
    for name, pages in (("ExecuteCommand", execute_command_pages), ("StartSession", start_session_pages)):
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
