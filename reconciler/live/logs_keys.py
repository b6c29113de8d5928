"""Exec log groups (``DescribeLogGroups``) and KMS keys (``ListAliases``, ``DescribeKey``)."""

from __future__ import annotations

from botocore.exceptions import ClientError

from ecs_exec.aws import ClientFactory, error_code
from reconciler.live.model import KEY_NOT_FOUND, LiveKey, LiveLogGroup
from reconciler.live.parse import parse_key, parse_log_group


def read_log_groups(factory: ClientFactory, prefix: str) -> dict[str, LiveLogGroup]:
    """Log groups whose name starts with ``prefix`` (``logs:DescribeLogGroups``, 50 per page), by name."""
    pages = factory.client("logs").get_paginator("describe_log_groups").paginate(logGroupNamePrefix=prefix)
    return {raw["logGroupName"]: parse_log_group(raw) for page in pages for raw in page.get("logGroups", [])}


def read_log_group(factory: ClientFactory, name: str) -> LiveLogGroup | None:
    """The log group named exactly ``name``, or None."""
    return read_log_groups(factory, name).get(name)


def read_kms_aliases(factory: ClientFactory, prefix: str) -> dict[str, str]:
    """``{alias name: target key id}`` of the aliases starting with ``prefix`` (``kms:ListAliases``).

    ListAliases has no name filter; one paginated listing serves the whole fleet (instead of one
    ``DescribeKey`` per cluster).
    """
    pages = factory.client("kms").get_paginator("list_aliases").paginate(PaginationConfig={"PageSize": 100})
    return {
        a["AliasName"]: a["TargetKeyId"]
        for page in pages
        for a in page.get("Aliases", [])
        if a["AliasName"].startswith(prefix) and a.get("TargetKeyId")
    }


def read_key(factory: ClientFactory, key_arn: str) -> LiveKey:
    """One key's ``KeyMetadata.KeyState`` and ``DeletionDate`` (``kms:DescribeKey``); a key
    ``DescribeKey`` answers ``NotFoundException`` for (deleted) reads as :data:`~.model.KEY_NOT_FOUND`.

    Raises:
        ClientError / BotoCoreError: any other failure (access denied, throttled after retries).
    """
    try:
        meta = factory.client("kms").describe_key(KeyId=key_arn).get("KeyMetadata") or {}
    except ClientError as exc:
        if error_code(exc) == "NotFoundException":
            return LiveKey(key_arn, KEY_NOT_FOUND)
        raise
    return parse_key(key_arn, meta)
