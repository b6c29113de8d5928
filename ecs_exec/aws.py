"""The AWS edge: one injected client factory for every AWS-touching unit.

Clients use the botocore *standard* retry mode and honour the standard variables
(``AWS_PROFILE``, ``AWS_REGION``, ``AWS_ENDPOINT_URL``); ``AWS_ENDPOINT_URL`` always wins over the
config file, which has no endpoint at all. boto3 clients are thread-safe once created, sessions
are not: :class:`ClientFactory` creates each client once, under a lock, and hands the same client
to every thread. Every client is paced by the factory's :class:`~ecs_exec.pacing.Pacer` (one token
bucket per API group, the published quotas by default, e.g. "Request throttling for the Amazon ECS
API"), which also retries throttled calls longer than other errors.
"""

from __future__ import annotations

import logging
import os
import re
import threading
from collections.abc import Mapping
from typing import Any

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError, NoCredentialsError, NoRegionError
from botocore.parsers import ResponseParserError

from ecs_exec.errors import AwsError
from ecs_exec.pacing import THROTTLE_MAX_ATTEMPTS, Pacer

DEFAULT_MAX_ATTEMPTS = 5
log = logging.getLogger("ecs_exec.aws")
_REGION_NOTED: set[str] = set()


def region_note(region: str, environ: Mapping[str, str] | None = None) -> str | None:
    """The one-line note when ``$AWS_REGION`` (else ``$AWS_DEFAULT_REGION``) names another region than
    the config's ``region``, which stays authoritative (unlike the AWS CLI, where the variable wins):
    ``note: AWS_REGION=eu-west-1 is ignored: the config's region is us-east-1``. None when they agree."""
    environ = os.environ if environ is None else environ
    for var in ("AWS_REGION", "AWS_DEFAULT_REGION"):
        value = environ.get(var)
        if value:
            if value == region:
                return None
            return f"note: {var}={value} is ignored: the config's region is {region}"
    return None


def note_region(region: str) -> None:
    """Log :func:`region_note` on stderr, once per process and region."""
    note = region_note(region)
    if note and region not in _REGION_NOTED:
        _REGION_NOTED.add(region)
        log.warning(note)


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
        max_attempts: total attempts per call (first attempt included) in the standard retry mode;
            a throttled call gets up to :data:`ecs_exec.pacing.THROTTLE_MAX_ATTEMPTS`.
        rate_limits: ``{api group: limit with .rate (req/s) and .burst}`` overriding the published
            quotas (the config's ``api_rate_limits``, for an account with raised quotas).
        pacer: share another factory's buckets (same account and Region); default: a new one.
        throttle_max_attempts: most attempts of a throttled call (first included), for a new pacer.
    """

    def __init__(
        self,
        region: str,
        session: boto3.Session | None = None,
        max_attempts: int = DEFAULT_MAX_ATTEMPTS,
        max_pool_connections: int = 20,
        rate_limits: Mapping[str, Any] | None = None,
        pacer: Pacer | None = None,
        throttle_max_attempts: int = THROTTLE_MAX_ATTEMPTS,
    ) -> None:
        self.region = region
        note_region(region)
        self.session = session or boto3.Session(region_name=region)
        self.pacer = pacer or Pacer(rate_limits, throttle_max_attempts=throttle_max_attempts)
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
                    client = self.session.client(service, region_name=self.region, config=self._config)
                    self.pacer.install(client)
                    self._clients[service] = client
                except (ValueError, BotoCoreError) as exc:
                    endpoint = os.environ.get("AWS_ENDPOINT_URL")
                    where = f" (AWS_ENDPOINT_URL={endpoint})" if endpoint else ""
                    raise AwsError(
                        f"cannot create the {service} client{where}: {describe_error(exc)}"
                    ) from None
            return self._clients[service]

    def with_session(self, session: boto3.Session) -> ClientFactory:
        """A new factory with the same region, retry settings and pacer over another session."""
        return ClientFactory(self.region, session=session, max_attempts=self._max_attempts, pacer=self.pacer)

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
    """One line: ``<Code>: <message>`` for a ClientError, ``unreadable AWS response: ...`` for a
    response botocore cannot parse (``ResponseParserError``), ``str(exc)``'s first line otherwise.

    A message that is an HTML page (an endpoint that is not AWS, e.g. moto's 500 for an API it lacks)
    loses its tags; line breaks become spaces.
    """
    if isinstance(exc, ClientError):
        err = exc.response.get("Error", {})
        message = str(err.get("Message", ""))
        if message.lstrip().startswith("<"):
            message = re.sub(r"<[^>]*>", " ", message)
        return f"{err.get('Code', 'ClientError')}: {' '.join(message.split())}".strip()
    if isinstance(exc, ResponseParserError):  # the body follows on later lines: left out
        first = str(exc).splitlines()[0].rstrip(":") if str(exc) else "unable to parse response"
        return f"unreadable AWS response: {first}"
    return str(exc).splitlines()[0] if str(exc) else type(exc).__name__
