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
blindly.** When its outcome is unknown -- the connection dropped or a read
timed out after the request may have arrived, Graph answered 504, or the 2xx
body was unreadable -- the client first lists the collection (GET on the same
path, following ``@odata.nextLink``) and looks for the object the POST may have
created, by :func:`find_created`:

    a listed object matches when, for every property the POST sent, it has the
    same value after normalising: keys compared case-insensitively, numbers by
    value (1 == 1.0), ISO 8601 date-times as instants (``Z`` == ``+00:00``,
    any fraction length), lists element by element in order, objects
    recursively (properties Graph adds are ignored), and a property sent as
    null matches null or absent. ``templateId`` is thus always compared. Among
    several matches the last listed is taken.

If one matches it is returned, with a warning that says so: an identical
object that existed before the call cannot be told apart from the one just
created, so the returned object may predate the call (docs/decisions.md,
"Unknown outcomes"). Only if none matches is the POST sent again -- and only
when the first request can no longer be running: after a read or write
*timeout* Graph may still be creating the object, so the call ends with a
:class:`TimeoutError_` saying the outcome is unknown and nothing was re-sent.
If the listing itself fails the original error is raised (the outcome stays
unknown, and nothing is re-sent). Either way one create makes at most one object.

Malformed JSON in a 2xx answer is a :class:`TransportError` ("Graph answered
201 Created with a body that is not valid JSON") -- except in :meth:`create`,
which first looks for the created object as above and returns it when found.

Usage::

    client = GraphClient(connection, api_version="v1.0", max_retry=3)
    job = client.create(GraphRequest("POST", jobs_path(app_id), body={"templateId": "AWS"}))

Module-level settings mirror the SDK's session state: :func:`set_request_context`
/ :func:`get_request_context` (Set-/Get-MgRequestContext) and
:func:`select_profile` / :func:`get_profile` (the API version, default v1.0).
:func:`get_default_client` builds the client for the default connection.
"""

from __future__ import annotations

import threading
import time
from typing import TYPE_CHECKING, Any, Callable, Optional, TypeVar, Union

import httpx

from ._auth import get_connection
from ._connection import Connection
from ._sign_in import credential_connection
from ._call_options import CallOptions
from ._caller import missing_auth_context
from ._client_core import GraphClientCore, Send, Sleep, Steps, Warn
from ._environments import DEFAULT_ENVIRONMENT, GraphEnvironment, get_environment
from ._exception_seam import map_exceptions
from ._exceptions import AuthenticationError, BindingError
from ._http_client import build_http_client
from ._http_log import http_logger, log_exchange
from ._redact import redact
from ._request import DEFAULT_API_VERSION, GraphRequest
from ._response import GraphResponse
from ._settings import DEFAULT_CLIENT_TIMEOUT, get_profile, get_request_context

if TYPE_CHECKING:
    from ._credentials import TokenCredential

__all__ = ["GraphClient", "get_default_client", "client_for_call", "connection_for_credential"]

_T = TypeVar("_T")


def connection_for_credential(credential: object, environment: Union[str, GraphEnvironment, None],
                              connection: Optional[Connection], *,
                              asynchronous: bool = False) -> Connection:
    """The connection a client given ``credential=`` owns (see :class:`GraphClient`)."""
    if connection is not None:
        raise BindingError("Give a connection or a credential, not both.",
                           parameter="Credential", expected="connection or credential")
    if not callable(getattr(credential, "get_token", None)):
        raise BindingError("credential must follow azure-core's TokenCredential protocol "
                           "(a get_token(*scopes) method); got "
                           f"{type(credential).__name__}.", parameter="Credential",
                           expected="an object with get_token(*scopes)",
                           value=type(credential).__name__)
    env = environment if isinstance(environment, GraphEnvironment) \
        else get_environment(environment or DEFAULT_ENVIRONMENT)
    http = build_http_client(env.ssl_context(), timeout=DEFAULT_CLIENT_TIMEOUT)
    try:
        return credential_connection(credential, env, http, asynchronous=asynchronous)
    except BaseException:
        http.close()
        raise

class GraphClient(GraphClientCore):
    """Sends Graph requests for one connection.

    Usage::

        conn = bridge.connect(client_id=..., tenant_id=..., client_secret=...)
        with GraphClient(conn, max_retry=5) as client:
            job = client.create(request)            # dict, never created twice
            response = client.send(GraphRequest("GET", path))

    Parameters:
        connection: the :class:`~bridge._auth.Connection` (default: the one made by
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
                 api_version: str = DEFAULT_API_VERSION, max_retry: int = 3,
                 retry_delay: float = 3.0, max_retry_time: float = 180.0,
                 timeout: float = DEFAULT_CLIENT_TIMEOUT,
                 transport: Optional[httpx.BaseTransport] = None,
                 options: Optional[CallOptions] = None,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        self._owns_connection = False
        if credential is not None:
            connection = connection_for_credential(credential, environment, connection)
            self._owns_connection = True
        try:
            super().__init__(connection, api_version=api_version, max_retry=max_retry,
                             retry_delay=retry_delay, max_retry_time=max_retry_time,
                             timeout=timeout)
        except BaseException:
            if self._owns_connection and connection is not None:
                connection.disconnect()
            raise
        self._sleep = sleep
        custom = options is not None and options.custom
        self._owns_http = transport is not None or custom
        self._http = (build_http_client(
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
        return self._sent(self._run(request, create=False), raise_for_status)

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
        return self._created(self._run(request, create=True, warn=warn or http_logger.warning),
                             request)

    def list_all(self, path: str) -> list[Any]:
        """GET a collection and follow ``@odata.nextLink`` (at most 50 pages)."""
        with self.connection.lease():
            return self._drive(self._list_steps(path))

    # -- the driver: perform each step with a blocking call
    def _run(self, request: GraphRequest, *, create: bool, absolute_url: Optional[str] = None,
             warn: Optional[Warn] = None) -> Union[GraphResponse, dict[str, Any]]:
        # The whole call runs on the connection it started with, even if a connect or
        # disconnect replaces or closes it meanwhile.
        with self.connection.lease():
            return self._drive(self._steps(request, create=create, absolute_url=absolute_url,
                                           warn=warn))

    def _drive(self, steps: Steps[_T]) -> _T:
        reply: Any = None
        error: Optional[Exception] = None
        while True:
            try:
                step = steps.throw(error) if error is not None else steps.send(reply)
            except StopIteration as stop:
                result: _T = stop.value
                return result
            reply, error = None, None
            try:
                if isinstance(step, Send):
                    reply = self._attempt(step)
                elif isinstance(step, Sleep):
                    self._sleep(step.seconds)
                else:
                    reply = self.connection.get_token(force_refresh=step.force_refresh)
            except Exception as exc:  # handed to the steps, which decide (most re-raise)
                error = exc

    def _attempt(self, step: Send) -> GraphResponse:
        token = self.connection.get_token(force_refresh=step.force_refresh)
        headers, content, client_request_id = self._prepare(step.request, step.retry_number,
                                                            token.token)
        http_request = self._http.build_request(step.method, step.url, content=content,
                                                headers=headers, timeout=self.timeout)
        http_response: Optional[httpx.Response] = None
        with map_exceptions(f"{step.method} {redact(step.url)}"):
            try:
                http_response = self._http.send(http_request)
            finally:
                log_exchange(http_logger, http_request, http_response)
        assert http_response is not None  # map_exceptions re-raises, never swallows
        return self._answer(http_response, client_request_id)


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
    connection = get_connection()
    if connection is None or connection.closed:
        raise AuthenticationError(missing_auth_context())
    settings = get_request_context()
    key = (id(connection), connection, settings, get_profile())
    with _client_lock:
        if _cached_client is not None and _cached_client[0] == key:
            return _cached_client[1]
        client = GraphClient(connection, api_version=get_profile(), max_retry=settings.max_retry,
                             retry_delay=settings.retry_delay,
                             max_retry_time=settings.max_retry_time,
                             timeout=settings.client_timeout)
        _cached_client = (key, client)
        return client


def client_for_call(options: Optional[CallOptions] = None) -> tuple[GraphClient, bool]:
    """The client for one call: the default one, or (with a proxy) a new one to close after.

    Returns ``(client, owned)``; close the client when ``owned``.
    """
    if options is None or not options.custom:
        return get_default_client(), False
    connection = get_connection()
    if connection is None or connection.closed:
        raise AuthenticationError(missing_auth_context())
    settings = get_request_context()
    return GraphClient(connection, api_version=get_profile(), max_retry=settings.max_retry,
                       retry_delay=settings.retry_delay, max_retry_time=settings.max_retry_time,
                       timeout=settings.client_timeout, options=options), True
