"""Send a :class:`GraphRequest`: token, ids, retries, and a create that is never doubled.

:class:`GraphClient` sends requests over a connection's pooled httpx client:

* ``Authorization: Bearer`` from the connection's token provider; after a 401
  the token is refreshed once and the request sent again (a caller-supplied
  token cannot be refreshed: that is an :class:`AuthenticationError`).
* a fresh ``client-request-id`` GUID on every HTTP request (retries included),
  which Graph echoes and :class:`GraphError` carries; ``Retry-Attempt: n`` on
  the n-th retry, as the SDK's retry handler sends it.
* 429/503/504 are retried as :mod:`bridge._retry` describes; when the budget
  runs out, :class:`RetryExhaustedError` carries the last :class:`GraphError`.
  Connection failures before the request left (connect errors, pool timeouts)
  are retried the same way; failures after it may have arrived are retried
  only for idempotent methods (GET, HEAD, OPTIONS, PUT, DELETE).

:meth:`GraphClient.create` adds the rule that **a POST is never sent twice
blindly**: when its outcome is unknown it looks for the object first
(:mod:`bridge._create`, whose matching rule is :mod:`bridge._dedup`).

Malformed JSON in a 2xx answer is a :class:`TransportError` ("Graph answered
201 Created with a body that is not valid JSON") -- except in :meth:`create`,
which first looks for the created object and returns it when found.

The layers of a send are :mod:`bridge._client_core`'s; this module performs
their steps with blocking calls (``bridge.aio`` awaits them).

Usage::

    client = GraphClient(connection, api_version="v1.0", max_retry=3)
    job = client.create(GraphRequest("POST", jobs_path(app_id), body={"templateId": "AWS"}))

:func:`get_default_client` builds the client for the default connection from the
session settings (:mod:`bridge._settings`: request context and profile).
"""

from __future__ import annotations

import threading
import time
from typing import TYPE_CHECKING, Any, Callable, Optional, TypeVar, Union

import httpx

from ._connection import Connection
from ._call_options import CallOptions
from ._client_core import GraphClientCore, current_connection
from ._create import create_steps
from ._environments import GraphEnvironment
from ._http_client import build_http_client
from ._http_log import http_logger, log_exchange
from ._request import DEFAULT_API_VERSION, GraphRequest
from ._response import GraphResponse
from ._retry import DEFAULT_MAX_RETRY, DEFAULT_MAX_RETRY_TIME, DEFAULT_RETRY_DELAY
from ._settings import DEFAULT_CLIENT_TIMEOUT, get_profile, get_request_context
from ._steps import Send, Sleep, Step, Steps, StepWalk, Warn

if TYPE_CHECKING:
    from ._credentials import TokenCredential

__all__ = ["GraphClient", "get_default_client", "client_for_call"]

_T = TypeVar("_T")


class GraphClient(GraphClientCore):
    """Sends Graph requests for one connection.

    Usage::

        conn = bridge.connect(client_id=..., tenant_id=..., client_secret=...)
        with GraphClient(conn, max_retry=5) as client:
            job = client.create(request)            # dict, never created twice
            response = client.send(GraphRequest("GET", path))

    Parameters:
        connection: the :class:`~bridge.Connection` (default: the one made by
            :func:`bridge.connect`; AuthenticationError when there is none).
        api_version: ``"v1.0"`` or ``"beta"``.
        max_retry: retries of 429/503/504 and unsent requests, 0..10.
        retry_delay: backoff base in seconds, 0..180.
        max_retry_time: seconds the retries may take, 0..180 (0 = 180).
        timeout: seconds for each HTTP request (connect, read, write, pool).
        transport: an httpx transport to use instead of the network (tests); the
            client then owns a separate httpx client.
        options: the call's runtime options (:mod:`bridge._call_options`): with a
            proxy (or ``direct``), the client owns an httpx client sending that way.
        sleep: the function used to wait between retries (tests).
        credential: instead of a connection, any azure-core ``TokenCredential``
            (``get_token(*scopes)``); the client then owns a connection of its own,
            closed with it.
        environment: the environment for ``credential`` (name or object, default Global).
    """

    def __init__(self, connection: Optional[Connection] = None, *,
                 credential: Optional["TokenCredential"] = None,
                 environment: Union[str, GraphEnvironment, None] = None,
                 api_version: str = DEFAULT_API_VERSION, max_retry: int = DEFAULT_MAX_RETRY,
                 retry_delay: float = DEFAULT_RETRY_DELAY,
                 max_retry_time: float = DEFAULT_MAX_RETRY_TIME,
                 timeout: float = DEFAULT_CLIENT_TIMEOUT,
                 transport: Optional[httpx.BaseTransport] = None,
                 options: Optional[CallOptions] = None,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        super().__init__(connection, credential=credential, environment=environment,
                         asynchronous=False, api_version=api_version, max_retry=max_retry,
                         retry_delay=retry_delay, max_retry_time=max_retry_time, timeout=timeout)
        self._sleep = sleep
        custom = options is not None and options.custom
        self._owns_http = transport is not None or custom
        self._http: httpx.Client = (build_http_client(
                          self.connection.environment.ssl_context(), timeout=timeout,
                          transport=transport,
                          proxy=options.proxy.to_httpx() if options and options.proxy else None,
                          trust_env=not (options and options.direct))
                      if self._owns_http else self.connection.http_client)

    def close(self) -> None:
        """Close the HTTP client if this client owns it (the connection's stays open)."""
        if self._owns_http:
            self._http.close()
        if self._owns_connection:
            self.connection.disconnect()

    def __enter__(self) -> "GraphClient":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- public operations
    def send(self, request: GraphRequest, *, raise_for_status: bool = True) -> GraphResponse:
        """Send a request with retries; return Graph's answer.

        Raises:
            GraphError: Graph answered an error status (when ``raise_for_status``).
            RetryExhaustedError: still 429/503/504 when the retry budget ran out.
            TransportError: no usable answer (a POST whose outcome is unknown is not re-sent).
            AuthenticationError: no token could be had.
        """
        return self._drive(self._send_steps(request, raise_for_status))

    def create(self, request: GraphRequest, *, warn: Optional[Warn] = None) -> dict[str, Any]:
        """POST to a collection and return the created object, never creating it twice.

        When the outcome of a POST is unknown the collection is listed first and
        a matching object is returned instead of re-sending (see the module doc).

        Parameters:
            request: the POST.
            warn: receives the warning when the object returned was found by listing
                (default: the ``bridge.http`` logger's warning).

        Raises:
            GraphError, RetryExhaustedError, TransportError, AuthenticationError: as :meth:`send`.
            TimeoutError_: the POST timed out and the object is not listed (yet): Graph may
                still create it, so nothing was re-sent.
        """
        return self._drive(create_steps(self, request, warn or http_logger.warning))

    def list_all(self, path: str) -> list[Any]:
        """GET a collection and follow ``@odata.nextLink`` (at most 50 pages)."""
        return self._drive(self._list_steps(path))

    # -- the driver: perform each step with a blocking call
    def _drive(self, steps: Steps[_T]) -> _T:
        # The whole call runs on the connection it started with, even if a connect or
        # disconnect replaces or closes it meanwhile.
        with self.connection.lease():
            walk = StepWalk(steps)
            for step in walk:
                with walk.reply() as reply:
                    reply.value = self._perform(step)
            return walk.result

    def _perform(self, step: Step) -> Any:
        if isinstance(step, Send):
            request = self._build(step)
            with self._sending(step, request):
                response = self._http.send(request)
            log_exchange(http_logger, request, response)
            return response
        if isinstance(step, Sleep):
            return self._sleep(step.seconds)
        return self.connection.get_token(force_refresh=step.force_refresh)


# --------------------------------------------------------------------------- default client

_client_lock = threading.Lock()
_cached_client: Optional[tuple[tuple[Any, ...], GraphClient]] = None


def get_default_client() -> GraphClient:
    """The :class:`GraphClient` for the default connection, profile and request context.

    Raises:
        AuthenticationError: "Authentication needed. Please call bridge.connect(...) first"
            (from PowerShell: "... Please call Connect-MgGraph.") when :func:`bridge.connect`
            has not been called (or after :func:`bridge.disconnect`).
    """
    global _cached_client
    connection = current_connection()
    settings = get_request_context()
    key = (id(connection), connection, settings, get_profile())
    with _client_lock:
        if _cached_client is not None and _cached_client[0] == key:
            return _cached_client[1]
        client = GraphClient(connection, api_version=get_profile(), **settings.client_options())
        _cached_client = (key, client)
        return client


def client_for_call(options: Optional[CallOptions] = None) -> tuple[GraphClient, bool]:
    """The client for one call: the default one, or (with a proxy) a new one to close after.

    Returns ``(client, owned)``; close the client when ``owned``.
    """
    if options is None or not options.custom:
        return get_default_client(), False
    return GraphClient(current_connection(), api_version=get_profile(), options=options,
                       **get_request_context().client_options()), True
