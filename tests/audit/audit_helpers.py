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
