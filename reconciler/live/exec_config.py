"""Exec-configuration equality: the one comparison of a cluster's ``executeCommandConfiguration``.

Drift and preflight both judge the live configuration with :func:`exec_config_differences` against
the shape the generator renders (:func:`generator.expected.expected_execute_command_configuration`).
The rule: every field of :data:`EXEC_CONFIG_FIELDS` counts, with the API's defaults filled in (a
missing ``logging`` equals ``DEFAULT``, a missing flag is false, an empty name is none). So a field
the desired state leaves out but the live cluster has (extra S3 logging: ``s3BucketName``) **is a
difference**: Terraform would remove it on the next apply, and drift and preflight both report it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

#: Flattened fields of ``executeCommandConfiguration`` and their value when the API leaves them out.
EXEC_CONFIG_FIELDS: dict[str, Any] = {
    "kmsKeyId": None,
    "logging": "DEFAULT",
    "logConfiguration.cloudWatchLogGroupName": None,
    "logConfiguration.cloudWatchEncryptionEnabled": False,
    "logConfiguration.s3BucketName": None,
    "logConfiguration.s3EncryptionEnabled": False,
    "logConfiguration.s3KeyPrefix": None,
}


def flatten_exec_config(config: Mapping[str, Any] | None) -> dict[str, Any]:
    """``executeCommandConfiguration`` as ``{dotted field: value}`` over :data:`EXEC_CONFIG_FIELDS`,
    with API defaults filled in and empty strings read as None."""
    config = config or {}
    log_conf = config.get("logConfiguration") or {}
    flat: dict[str, Any] = {}
    for key, default in EXEC_CONFIG_FIELDS.items():
        source, name = (
            (log_conf, key.split(".", 1)[1]) if key.startswith("logConfiguration.") else (config, key)
        )
        value = source.get(name)
        flat[key] = default if value is None or value == "" else value
    return flat


def exec_config_differences(
    desired: Mapping[str, Any] | None, live: Mapping[str, Any] | None, ignore: Iterable[str] = ()
) -> tuple[str, ...]:
    """The dotted fields (``logConfiguration.s3BucketName``) whose values differ, in
    :data:`EXEC_CONFIG_FIELDS` order; fields in ``ignore`` are not compared (preflight ignores
    ``kmsKeyId`` when the config names no key: the generator's key is judged by ``cluster.kms-key``)."""
    want, have = flatten_exec_config(desired), flatten_exec_config(live)
    skip = set(ignore)
    return tuple(f for f in EXEC_CONFIG_FIELDS if f not in skip and want[f] != have[f])
