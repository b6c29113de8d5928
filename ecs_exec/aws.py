"""The AWS edge: one injected client factory for every AWS-touching unit.

Clients use the botocore *standard* retry mode and honour the standard variables
(``AWS_PROFILE``, ``AWS_REGION``, ``AWS_ENDPOINT_URL``); ``AWS_ENDPOINT_URL`` always wins over the
config file, which has no endpoint at all. boto3 clients are thread-safe once created, sessions
are not: :class:`ClientFactory` creates each client once, under a lock, and hands the same client
to every thread.
"""

from __future__ import annotations

import os
import re
import threading
from typing import Any

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError, NoCredentialsError, NoRegionError

from ecs_exec.errors import AwsError

DEFAULT_MAX_ATTEMPTS = 5


def botocore_config(max_attempts: int = DEFAULT_MAX_ATTEMPTS, max_pool_connections: int = 20) -> Config:
    """Client config: standard retry mode, bounded attempts, path-style S3 against a custom endpoint."""
    extra: dict[str, Any] = {}
    if os.environ.get("AWS_ENDPOINT_URL"):
        extra["s3"] = {"addressing_style": "path"}
    return Config(
        # total_max_attempts counts the first attempt too (botocore's max_attempts counts only retries).
        retries={"mode": "standard", "total_max_attempts": max_attempts},
        max_pool_connections=max_pool_connections,
        **extra,
    )


class ClientFactory:
    """Creates and caches boto3 clients for one region (and optionally one assumed-role session).

    Args:
        region: AWS region of the environment (config ``region``); ``AWS_REGION`` does not override it.
        session: a ready ``boto3.Session`` (e.g. an assumed-role session); default: a new one.
        max_attempts: total attempts per call (first attempt included) in the standard retry mode.
    """

    def __init__(
        self,
        region: str,
        session: boto3.Session | None = None,
        max_attempts: int = DEFAULT_MAX_ATTEMPTS,
        max_pool_connections: int = 20,
    ) -> None:
        self.region = region
        self.session = session or boto3.Session(region_name=region)
        self._config = botocore_config(max_attempts, max_pool_connections)
        # botocore rewrites config.retries in place when it creates a client: keep our own copy.
        self._max_attempts = max_attempts
        self._clients: dict[str, Any] = {}
        self._regional: dict[str, ClientFactory] = {}
        self._lock = threading.Lock()

    def client(self, service: str) -> Any:
        """The shared client for ``service`` (``"ecs"``, ``"logs"``, ...), created on first use.

        Raises:
            AwsError: the client cannot be created (an invalid ``AWS_ENDPOINT_URL``, an unknown profile).
        """
        with self._lock:
            if service not in self._clients:
                try:
                    self._clients[service] = self.session.client(
                        service, region_name=self.region, config=self._config
                    )
                except (ValueError, BotoCoreError) as exc:
                    endpoint = os.environ.get("AWS_ENDPOINT_URL")
                    where = f" (AWS_ENDPOINT_URL={endpoint})" if endpoint else ""
                    raise AwsError(
                        f"cannot create the {service} client{where}: {describe_error(exc)}"
                    ) from None
            return self._clients[service]

    def with_session(self, session: boto3.Session) -> ClientFactory:
        """A new factory with the same region and retry settings over another session."""
        return ClientFactory(self.region, session=session, max_attempts=self._max_attempts)

    def for_region(self, region: str) -> ClientFactory:
        """This factory for ``region`` (itself when it is its region), else one (created once) over the
        same session and retry settings (e.g. ``us-east-1``, where CloudTrail records global-endpoint calls)."""
        if region == self.region:
            return self
        with self._lock:
            if region not in self._regional:
                self._regional[region] = ClientFactory(
                    region, session=self.session, max_attempts=self._max_attempts
                )
            return self._regional[region]


def caller_identity(factory: ClientFactory) -> dict[str, str]:
    """STS ``GetCallerIdentity``: ``{"Account", "Arn", "UserId"}``.

    Raises:
        AwsError: no credentials or the call failed (exit 5).
    """
    try:
        ident = factory.client("sts").get_caller_identity()
    except NoCredentialsError:
        raise AwsError(
            "no AWS credentials found: set AWS_PROFILE, or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY"
        ) from None
    except NoRegionError:
        raise AwsError("no AWS region: set region in the config or AWS_REGION") from None
    except (ClientError, BotoCoreError) as exc:
        raise AwsError(f"sts:GetCallerIdentity failed: {describe_error(exc)}") from None
    return {"Account": ident["Account"], "Arn": ident["Arn"], "UserId": ident["UserId"]}


def verify_account(factory: ClientFactory, expected_account_id: str) -> dict[str, str]:
    """Check that the credentials belong to the config's ``account_id``.

    Raises:
        AwsError: no credentials, or the caller's account differs from ``expected_account_id`` (exit 5).
    """
    ident = caller_identity(factory)
    if ident["Account"] != expected_account_id:
        raise AwsError(
            f"account_id: the credentials are for account {ident['Account']} ({ident['Arn']}) "
            f"but the config expects {expected_account_id}"
        )
    return ident


def error_code(exc: BaseException) -> str:
    """AWS error code of a ``ClientError`` (``"AccessDeniedException"``), else the class name."""
    if isinstance(exc, ClientError):
        return str(exc.response.get("Error", {}).get("Code", "ClientError"))
    return type(exc).__name__


def describe_error(exc: BaseException) -> str:
    """One line: ``<Code>: <message>`` for a ClientError, ``str(exc)`` otherwise.

    A message that is an HTML page (an endpoint that is not AWS, e.g. moto's 500 for an API it lacks)
    loses its tags; line breaks become spaces.
    """
    if isinstance(exc, ClientError):
        err = exc.response.get("Error", {})
        message = str(err.get("Message", ""))
        if message.lstrip().startswith("<"):
            message = re.sub(r"<[^>]*>", " ", message)
        return f"{err.get('Code', 'ClientError')}: {' '.join(message.split())}".strip()
    return str(exc).splitlines()[0] if str(exc) else type(exc).__name__
