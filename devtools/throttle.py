"""A throttled stand-in: a token bucket in front of moto that answers like a throttling AWS service.

Amazon ECS throttles with token buckets per account and Region and answers a request over the quota
with HTTP 400, ``x-amzn-ErrorType: ThrottlingException`` and the JSON body
``{"__type": "ThrottlingException", "message": "Rate exceeded"}`` ("Request throttling for the Amazon
ECS API", https://docs.aws.amazon.com/AmazonECS/latest/APIReference/request-throttling.html).
:class:`Throttle` emulates that: one bucket per listed service (all of the service's actions share
it, which is stricter than ECS's per-group buckets), plus an optional latency added to every
request. Two ways in:

- :meth:`Throttle.install` registers it as a botocore ``before-send`` handler on a session or
  client (tests). It registers at the least specific ``before-send`` level, so the client-side
  pacing (``before-send.<service>``) runs first, as it would before a real request leaves. Under
  in-process ``mock_aws`` it also runs before moto's own handler.
- ``python -m devtools.throttle --port N --rate 20 --burst 50 --latency-ms 50`` serves moto's
  application behind :class:`ThrottleMiddleware` (the bench; :func:`start_throttled_server`).
  ``GET /throttle-stats`` answers the counters as JSON; ``POST /throttle-reset`` fills the buckets
  and zeroes the counters (``?enabled=false``: let everything through, e.g. while seeding).

A development tool: never in front of a real account.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from botocore.awsrequest import AWSResponse

from devtools.moto_server import MotoServer, free_port

STATS_PATH = "/throttle-stats"
RESET_PATH = "/throttle-reset"
_CREDENTIAL_SCOPE = re.compile(r"Credential=[^/]+/\d{8}/[^/]+/([^/]+)/aws4_request")


@dataclass
class Bucket:
    """A token bucket as AWS applies it: ``burst`` tokens at most, ``rate`` tokens added per second,
    one token per request; a request finding the bucket empty is refused (no queueing)."""

    rate: float
    burst: int
    clock: Callable[[], float] = time.monotonic
    _tokens: float = field(init=False)
    _last: float = field(init=False)
    _lock: threading.Lock = field(init=False, default_factory=threading.Lock)

    def __post_init__(self) -> None:
        self._tokens = float(self.burst)
        self._last = self.clock()

    def allow(self) -> bool:
        """Take a token if there is one (True) or refuse the request (False). Thread-safe."""
        with self._lock:
            now = self.clock()
            self._tokens = min(float(self.burst), self._tokens + (now - self._last) * self.rate)
            self._last = now
            if self._tokens >= 1.0:
                self._tokens -= 1.0
                return True
            return False


@dataclass(frozen=True)
class ThrottleStats:
    """Requests seen per service, and how many of them were answered ``ThrottlingException``."""

    requests: dict[str, int]
    throttled: dict[str, int]


class Throttle:
    """One bucket per service in ``services`` (botocore service ids / signing names, e.g. ``ecs``),
    ``rate`` requests/s and ``burst`` requests each; ``latency`` seconds added to every request.

    Args:
        services: the throttled services; requests to others only get the latency.
        sleep: how the latency is waited (tests may record instead).
    """

    def __init__(
        self,
        rate: float,
        burst: int,
        latency: float = 0.0,
        services: Iterable[str] = ("ecs",),
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.rate, self.burst, self.latency = rate, burst, latency
        self._buckets = {s: Bucket(rate, burst) for s in services}
        self.enabled = True
        self._sleep = sleep
        self._lock = threading.Lock()
        self._requests: dict[str, int] = {}
        self._throttled: dict[str, int] = {}

    def reset(self, enabled: bool = True) -> None:
        """Full buckets, zero counters; ``enabled=False`` lets every request through untouched
        (no latency, not counted) until the next reset, e.g. while a bench seeds the server."""
        with self._lock:
            self.enabled = enabled
            self._buckets = {s: Bucket(self.rate, self.burst) for s in self._buckets}
            self._requests, self._throttled = {}, {}

    def admit(self, service: str) -> bool:
        """Count one request of ``service``, wait the latency, and say whether it may pass."""
        if not self.enabled:
            return True
        if self.latency > 0:
            self._sleep(self.latency)
        bucket = self._buckets.get(service)
        allowed = bucket is None or bucket.allow()
        with self._lock:
            self._requests[service] = self._requests.get(service, 0) + 1
            if not allowed:
                self._throttled[service] = self._throttled.get(service, 0) + 1
        return allowed

    def stats(self) -> ThrottleStats:
        """A copy of the counters."""
        with self._lock:
            return ThrottleStats(dict(self._requests), dict(self._throttled))

    def install(self, events_owner: Any) -> None:
        """Answer throttled requests of a ``boto3.Session`` or client from a ``before-send`` handler
        (register before the clients are created when ``events_owner`` is a session)."""
        events = events_owner.events if hasattr(events_owner, "events") else events_owner.meta.events
        events.register_first("before-send", self._before_send)

    def _before_send(self, request: Any, event_name: str = "", **_: Any) -> AWSResponse | None:
        service = event_name.split(".")[1] if event_name.count(".") >= 1 else ""
        if self.admit(service):
            return None
        status, headers, body = throttling_answer()
        return AWSResponse(request.url, status, headers, _Raw(body))


def throttling_answer() -> tuple[int, dict[str, str], bytes]:
    """ECS's answer to a throttled request (JSON protocols): status, headers, body."""
    body = json.dumps({"__type": "ThrottlingException", "message": "Rate exceeded"}).encode()
    headers = {
        "Content-Type": "application/x-amz-json-1.1",
        "x-amzn-ErrorType": "ThrottlingException",
        "x-amzn-RequestId": "00000000-0000-4000-8000-000000000000",
        "Content-Length": str(len(body)),
    }
    return 400, headers, body


class _Raw:
    """The raw body botocore reads from an ``AWSResponse`` (``stream()``)."""

    def __init__(self, data: bytes) -> None:
        self._data = data

    def stream(self, **_: Any) -> Iterator[bytes]:
        yield self._data


def request_service(environ: dict[str, Any]) -> str:
    """The signing name of a SigV4-signed request (``ecs``, ``logs``), from its credential scope."""
    match = _CREDENTIAL_SCOPE.search(environ.get("HTTP_AUTHORIZATION", ""))
    return match.group(1) if match else ""


class ThrottleMiddleware:
    """WSGI middleware: :meth:`Throttle.admit` every signed request before ``app`` sees it."""

    def __init__(self, app: Callable[..., Any], throttle: Throttle) -> None:
        self.app, self.throttle = app, throttle

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        if environ.get("PATH_INFO") == RESET_PATH:
            query = environ.get("QUERY_STRING", "")
            self.throttle.reset(enabled="enabled=false" not in query)
            start_response("200 OK", [("Content-Type", "application/json")])
            return [b"{}"]
        if environ.get("PATH_INFO") == STATS_PATH:
            s = self.throttle.stats()
            body = json.dumps({"requests": s.requests, "throttled": s.throttled}).encode()
            start_response("200 OK", [("Content-Type", "application/json")])
            return [body]
        service = request_service(environ)
        if service and not self.throttle.admit(service):
            _, headers, body = throttling_answer()
            start_response("400 Bad Request", list(headers.items()))
            return [body]
        return self.app(environ, start_response)


@dataclass
class ThrottledMotoServer(MotoServer):
    """:class:`~devtools.moto_server.MotoServer` behind a :class:`Throttle` (``python -m devtools.throttle``)."""

    rate: float = 20.0
    burst: int = 50
    latency: float = 0.0
    services: tuple[str, ...] = ("ecs",)

    def command(self) -> list[str]:
        return [
            sys.executable, "-m", "devtools.throttle", "--port", str(self.port),
            "--rate", str(self.rate), "--burst", str(self.burst),
            "--latency-ms", str(round(self.latency * 1000)), "--services", ",".join(self.services),
        ]  # fmt: skip

    def child_env(self) -> dict[str, str]:
        root = str(Path(__file__).resolve().parent.parent)
        path = os.pathsep.join(p for p in (root, os.environ.get("PYTHONPATH", "")) if p)
        return {**super().child_env(), "PYTHONPATH": path}

    def throttle_reset(self, enabled: bool = True) -> None:
        """Full buckets and zero counters (``enabled=False``: no throttle, no latency until the next reset)."""
        import urllib.request

        url = f"{self.endpoint}{RESET_PATH}?enabled={'true' if enabled else 'false'}"
        urllib.request.urlopen(urllib.request.Request(url, data=b"", method="POST"), timeout=10).read()  # noqa: S310

    def throttle_stats(self) -> dict[str, dict[str, int]]:
        """``{"requests": {service: n}, "throttled": {service: n}}`` as the server counted them."""
        import urllib.request

        with urllib.request.urlopen(f"{self.endpoint}{STATS_PATH}", timeout=10) as answer:  # noqa: S310
            return dict(json.loads(answer.read()))


def start_throttled_server(
    rate: float, burst: int, latency: float = 0.0, services: tuple[str, ...] = ("ecs",),
    account_id: str = "123456789012",
) -> ThrottledMotoServer:  # fmt: skip
    """Start a throttled moto server on a free port (call ``.stop()`` when done)."""
    server = ThrottledMotoServer(
        port=free_port(), account_id=account_id, rate=rate, burst=burst, latency=latency, services=services
    )
    return server.start()  # type: ignore[return-value]


def main(argv: list[str] | None = None) -> None:
    """Serve moto on 127.0.0.1 behind the throttle (arguments: see ``--help``)."""
    from moto.moto_server.werkzeug_app import (
        DomainDispatcherApplication,
        MotoRequestHandler,
        create_backend_app,
    )
    from werkzeug.serving import run_simple

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--rate", type=float, default=20.0, help="tokens added per second")
    parser.add_argument("--burst", type=int, default=50, help="bucket maximum capacity")
    parser.add_argument("--latency-ms", type=float, default=0.0, help="added to every request")
    parser.add_argument("--services", default="ecs", help="comma-separated signing names to throttle")
    args = parser.parse_args(argv)
    os.environ.setdefault("MOTO_PORT", str(args.port))
    throttle = Throttle(args.rate, args.burst, args.latency_ms / 1000, args.services.split(","))
    app = DomainDispatcherApplication(create_backend_app)
    run_simple(
        args.host, args.port, ThrottleMiddleware(app, throttle), threaded=True,
        request_handler=MotoRequestHandler,
    )  # fmt: skip


if __name__ == "__main__":
    main()
