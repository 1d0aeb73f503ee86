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

import json
import math
import re
import threading
import time
import uuid
from dataclasses import dataclass, replace
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any, Callable, Generator, Mapping, Optional, TypeVar, Union

import httpx

from ._auth import get_connection
from ._connection import Connection
from ._sign_in import credential_connection
from ._call_options import CallOptions
from ._caller import missing_auth_context
from ._environments import DEFAULT_ENVIRONMENT, GraphEnvironment, get_environment
from ._exceptions import (AuthenticationError, BindingError, BridgeError, GraphError,
                          NetworkError, RetryExhaustedError, TimeoutError_, TransportError)
from ._redact import redact
from ._request import API_VERSIONS, DEFAULT_API_VERSION, GraphRequest
from ._retry import RETRY_STATUSES, RetryPolicy
from ._transport import (GraphResponse, build_http_client, graph_error_from_response,
                         http_logger, log_exchange, map_exceptions, request_maybe_sent,
                         status_name)

if TYPE_CHECKING:
    from ._credentials import TokenCredential

__all__ = ["GraphClient", "RequestContext", "get_default_client", "client_for_call", "set_request_context",
           "get_request_context", "reset_request_context", "select_profile", "get_profile",
           "find_created", "values_match", "connection_for_credential", "GraphClientCore", "Send",
           "Sleep", "Token", "Step", "Steps", "DEFAULT_CLIENT_TIMEOUT"]

#: Set-MgRequestContext's ClientTimeout default: 300 s (the SDK's Constants.ClientTimeout).
DEFAULT_CLIENT_TIMEOUT = 300.0
_IDEMPOTENT = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE"})
_MAX_LIST_PAGES = 50
_T = TypeVar("_T")


# --------------------------------------------------------------------------- matching

_ISO_DATETIME = re.compile(
    r"^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2})?)(?:\.(\d+))?(Z|[+-]\d{2}:?\d{2})?$", re.IGNORECASE)


def _as_instant(value: str) -> Optional[datetime]:
    match = _ISO_DATETIME.match(value.strip())
    if not match:
        return None
    base, fraction, zone = match.groups()
    micro = (fraction or "0")[:6].ljust(6, "0")
    if zone is None or zone.upper() == "Z":
        zone = "+00:00"
    elif ":" not in zone:
        zone = zone[:3] + ":" + zone[3:]
    if len(base) == 16:
        base += ":00"
    try:
        return datetime.fromisoformat(f"{base}.{micro}{zone}").astimezone(timezone.utc)
    except ValueError:
        return None


def values_match(sent: Any, found: Any) -> bool:
    """Whether a listed value is what was sent, under :func:`find_created`'s normalisation."""
    if sent is None:
        return found is None
    if isinstance(sent, bool) or isinstance(found, bool):
        return isinstance(sent, bool) and isinstance(found, bool) and sent == found
    if isinstance(sent, (int, float)) and isinstance(found, (int, float)):
        return math.isclose(float(sent), float(found), rel_tol=1e-12, abs_tol=0.0) \
            or sent == found
    if isinstance(sent, str) and isinstance(found, str):
        if sent == found:
            return True
        a, b = _as_instant(sent), _as_instant(found)
        return a is not None and b is not None and a == b
    if isinstance(sent, Mapping) and isinstance(found, Mapping):
        lowered = {str(k).lower(): v for k, v in found.items()}
        for key, value in sent.items():
            key_l = str(key).lower()
            if key_l not in lowered:
                if value is None:
                    continue
                return False
            if not values_match(value, lowered[key_l]):
                return False
        return True
    if isinstance(sent, (list, tuple)) and isinstance(found, (list, tuple)):
        return len(sent) == len(found) and all(values_match(a, b) for a, b in zip(sent, found))
    return False


def find_created(items: list[Any], body: Any) -> Optional[dict[str, Any]]:
    """The listed object a POST of ``body`` may have created, or None (see the module doc)."""
    if not isinstance(body, Mapping) or not body:
        return None
    for item in reversed(items):
        if isinstance(item, dict) and values_match(body, item):
            return item
    return None


# --------------------------------------------------------------------------- settings

@dataclass(frozen=True)
class RequestContext:
    """Get-MgRequestContext: the retry budget and the HTTP client timeout.

    Usage::

        >>> set_request_context(max_retry=5, client_timeout=60).to_dict()["MaxRetry"]
        5
        >>> get_request_context().client_timeout
        60

    Parameters:
        max_retry: retries after the first attempt, 0..10 (SDK default 3).
        retry_delay: seconds, base of the backoff, 0..180 (SDK default 3).
        max_retry_time: seconds the retries may take, 0..180, 0 = 180 (RetriesTimeLimit).
        client_timeout: seconds for each HTTP request (SDK default 300).
    """

    max_retry: int = 3
    retry_delay: float = 3.0
    max_retry_time: float = 180.0
    client_timeout: float = DEFAULT_CLIENT_TIMEOUT

    def __post_init__(self) -> None:
        self.retry_policy()  # validates the three retry settings
        _check_timeout(self.client_timeout)

    def retry_policy(self) -> RetryPolicy:
        """The :class:`RetryPolicy` of these settings."""
        return RetryPolicy(self.max_retry, self.retry_delay, self.max_retry_time)

    def to_dict(self) -> dict[str, Any]:
        """Get-MgRequestContext's properties (times in seconds)."""
        return {"ClientTimeout": self.client_timeout, "RetryDelay": self.retry_delay,
                "MaxRetry": self.max_retry, "RetriesTimeLimit": self.max_retry_time}


def _check_timeout(value: Any) -> None:
    if isinstance(value, bool) or not isinstance(value, (int, float)) \
            or not math.isfinite(value) or value <= 0 or value > 86400:
        raise BindingError("ClientTimeout must be a number of seconds in (0, 86400], "
                           f"got {value!r}.",
                           parameter="ClientTimeout", expected="(0, 86400] seconds", value=value)


_settings_lock = threading.Lock()
_request_context = RequestContext()
_profile = DEFAULT_API_VERSION
_UNSET: Any = object()


def set_request_context(*, max_retry: Any = _UNSET, retry_delay: Any = _UNSET,
                        max_retry_time: Any = _UNSET,
                        client_timeout: Any = _UNSET) -> RequestContext:
    """Like Set-MgRequestContext: change the settings given, keep the others; returns the result.

    Raises:
        BindingError: a value out of range (MaxRetry 0..10, RetryDelay 0..180,
            RetriesTimeLimit 0..180, ClientTimeout (0, 86400]).
    """
    global _request_context
    changes = {name: value for name, value in (("max_retry", max_retry),
                                               ("retry_delay", retry_delay),
                                               ("max_retry_time", max_retry_time),
                                               ("client_timeout", client_timeout))
               if value is not _UNSET}
    with _settings_lock:
        _request_context = replace(_request_context, **changes)
        return _request_context


def get_request_context() -> RequestContext:
    """Like Get-MgRequestContext."""
    return _request_context


def reset_request_context() -> RequestContext:
    """Back to the SDK defaults."""
    global _request_context
    with _settings_lock:
        _request_context = RequestContext()
        return _request_context


def select_profile(name: str) -> str:
    """Choose the API version for later calls: ``"v1.0"`` or ``"beta"``."""
    global _profile
    if not isinstance(name, str) or name.strip().lower() not in {v.lower() for v in API_VERSIONS}:
        raise BindingError(f"Unknown profile {name!r}; use one of {', '.join(API_VERSIONS)}.",
                           parameter="Name", expected=" or ".join(API_VERSIONS), value=name)
    with _settings_lock:
        _profile = next(v for v in API_VERSIONS if v.lower() == name.strip().lower())
        return _profile


def get_profile() -> str:
    """The API version in use (default ``v1.0``)."""
    return _profile


# --------------------------------------------------------------------------- the client

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


class _Outcome:
    """Why an attempt did not produce a final answer."""

    def __init__(self, error: BridgeError, retry_after: Optional[str] = None,
                 graph: Optional[GraphError] = None) -> None:
        self.error = error
        self.retry_after = retry_after
        self.graph = graph


# The retry/no-double-POST logic is written once, as generators that *yield* the
# I/O they need (send one attempt, wait, get a token) and receive its result.
# GraphClient performs the steps with blocking calls, bridge.aio.AsyncGraphClient
# awaits them: one behaviour, two drivers (the "sans-I/O" pattern of h11/httpcore).

@dataclass(frozen=True)
class Send:
    """Step: send one attempt of ``request``; the reply is a :class:`GraphResponse`."""

    request: GraphRequest
    method: str
    url: str
    retry_number: int
    force_refresh: bool


@dataclass(frozen=True)
class Sleep:
    """Step: wait ``seconds`` before the next attempt."""

    seconds: float


@dataclass(frozen=True)
class Token:
    """Step: get a token (``force_refresh`` after a 401); the reply is an AccessToken."""

    force_refresh: bool


Step = Union[Send, Sleep, Token]
#: Receives a warning about a call's outcome (an object found by listing, not by its answer).
Warn = Callable[[str], None]
Steps = Generator[Step, Any, _T]


class GraphClientCore:
    """What :class:`GraphClient` and ``bridge.aio.AsyncGraphClient`` share: settings and logic.

    Parameters are :class:`GraphClient`'s (connection, API version, retry settings, timeout).
    """

    def __init__(self, connection: Optional[Connection], *, api_version: str, max_retry: int,
                 retry_delay: float, max_retry_time: float, timeout: float) -> None:
        if connection is None:
            connection = get_connection()
        if connection is None or connection.closed:
            raise AuthenticationError(missing_auth_context())
        if api_version not in API_VERSIONS:
            raise BindingError(f"Unknown API version {api_version!r}; use one of "
                               f"{', '.join(API_VERSIONS)}.", parameter="ApiVersion",
                               expected=" or ".join(API_VERSIONS), value=api_version)
        _check_timeout(timeout)
        self.connection = connection
        self.api_version = api_version
        self.policy = RetryPolicy(max_retry, retry_delay, max_retry_time)
        self.timeout = float(timeout)

    # -- properties the API layer uses to build and show URLs
    @property
    def environment(self) -> GraphEnvironment:
        """The connection's environment."""
        return self.connection.environment

    @property
    def endpoint(self) -> str:
        """The Graph endpoint without version (``https://graph.microsoft.com``)."""
        return self.connection.environment.graph_endpoint

    def url(self, request: GraphRequest) -> str:
        """The absolute URL of a request for this client's endpoint and version."""
        return request.url(self.endpoint, self.api_version)

    def __repr__(self) -> str:
        return (f"<{type(self).__name__} {self.endpoint}/{self.api_version} "
                f"max_retry={self.policy.max_retry} "
                f"retry_delay={self.policy.retry_delay:g} timeout={self.timeout:g} "
                f"connection={self.connection!r}>")

    # -- results of the steps, the same for both drivers
    @staticmethod
    def _sent(response: Union[GraphResponse, dict[str, Any]],
              raise_for_status: bool) -> GraphResponse:
        assert isinstance(response, GraphResponse)
        if raise_for_status and not response.ok:
            raise graph_error_from_response(response.status, response.headers, response.text,
                                            response.client_request_id)
        return response

    @staticmethod
    def _created(result: Union[GraphResponse, dict[str, Any]]) -> dict[str, Any]:
        if isinstance(result, GraphResponse):
            if not result.ok:
                raise graph_error_from_response(result.status, result.headers, result.text,
                                                result.client_request_id)
            return result.json if isinstance(result.json, dict) else {}
        return result

    def _prepare(self, request: GraphRequest, retry_number: int,
                 token: str) -> tuple[dict[str, str], Optional[bytes], str]:
        """Headers, body bytes and client-request-id of one attempt."""
        client_request_id = str(uuid.uuid4())
        headers = {"Accept": "application/json", "client-request-id": client_request_id}
        headers.update(request.headers)
        content = request.content if request.body is not None else None
        if content is not None:
            headers.setdefault("Content-Type", "application/json")
        if retry_number:
            headers["Retry-Attempt"] = str(retry_number)
        headers["Authorization"] = f"Bearer {token}"
        return headers, content, client_request_id

    @staticmethod
    def _answer(http_response: httpx.Response, client_request_id: str) -> GraphResponse:
        text = http_response.text
        body: Any = None
        if text.strip():
            try:
                body = json.loads(text)
            except ValueError:
                body = _MALFORMED if 200 <= http_response.status_code < 300 else None
        return GraphResponse(http_response.status_code, dict(http_response.headers), body, text,
                             client_request_id)

    # -- the steps
    def _list_steps(self, path: str) -> Steps[list[Any]]:
        """GET a collection and follow ``@odata.nextLink`` (at most 50 pages)."""
        items: list[Any] = []
        next_url: Optional[str] = None
        for _ in range(_MAX_LIST_PAGES):
            response = yield from self._steps(GraphRequest("GET", path), create=False,
                                              absolute_url=next_url)
            assert isinstance(response, GraphResponse)
            if not response.ok:
                raise graph_error_from_response(response.status, response.headers, response.text,
                                                response.client_request_id)
            page = response.json if isinstance(response.json, dict) else {}
            value = page.get("value")
            if isinstance(value, list):
                items.extend(value)
            link = page.get("@odata.nextLink")
            if not isinstance(link, str) or not link:
                return items
            if not link.startswith(self.endpoint + "/"):
                raise TransportError(f"Graph returned a nextLink outside {self.endpoint}: "
                                     f"{redact(link)}")
            next_url = link
        return items

    def _steps(self, request: GraphRequest, *, create: bool,
               absolute_url: Optional[str] = None, warn: Optional[Warn] = None
               ) -> Steps[Union[GraphResponse, dict[str, Any]]]:
        url = absolute_url or self.url(request)
        method = request.method.upper()
        started = time.monotonic()
        retries = 0
        refreshed = False
        force_refresh = False
        while True:
            outcome: _Outcome
            unknown = False  # a create whose object may exist: look before sending again
            try:
                response: GraphResponse = yield Send(request, method, url, retries, force_refresh)
            except TransportError as exc:
                maybe_sent = request_maybe_sent(exc) is not False
                if maybe_sent and not create and method not in _IDEMPOTENT:
                    raise  # a POST that may have arrived is never re-sent blindly
                outcome = _Outcome(exc)
                unknown = maybe_sent and create
            else:
                force_refresh = False
                if response.status == 401 and not refreshed:
                    refreshed = True
                    if not self.connection.refreshable:
                        yield from self._reject_static_token(response)
                    force_refresh = True
                    continue  # refresh once, immediately, outside the retry budget
                if response.status in RETRY_STATUSES:
                    graph = graph_error_from_response(response.status, response.headers,
                                                      response.text, response.client_request_id)
                    outcome = _Outcome(graph, response.headers.get("retry-after"), graph)
                    unknown = create and response.status == 504  # the gateway gave up, not Graph
                elif response.ok and response.json is _MALFORMED:
                    error = TransportError(
                        f"Graph answered {response.status} {status_name(response.status)} with "
                        f"a body that is not valid JSON (request-id {response.request_id}, "
                        f"client-request-id {response.client_request_id}): "
                        f"{redact(response.text[:200])!r}")
                    if create:
                        # Graph said it created the object: find it, but never send again.
                        found = yield from self._look_for_created(request, error, warn)
                        if found is not None:
                            return found
                    raise error
                else:
                    return response
            # retry, if the budget allows
            retries += 1
            wait = self.policy.wait_for(retries, outcome.retry_after)
            elapsed = time.monotonic() - started
            exhausted = retries > self.policy.max_retry or elapsed + wait > self.policy.time_budget
            if unknown:
                # Wait first (as a retry would), so a request still being processed
                # has landed when the collection is listed.
                if not exhausted and wait > 0:
                    yield Sleep(wait)
                    wait = 0.0
                found = yield from self._look_for_created(request, outcome.error, warn)
                if found is not None:
                    return found
                if _may_still_run(outcome.error):
                    raise TimeoutError_(
                        f"{outcome.error} -- the outcome is unknown: Graph received the request "
                        f"and may still be creating the object, which {redact(request.path)} "
                        "does not list yet; nothing was re-sent. List the collection before "
                        "trying again.") from outcome.error
            if exhausted:
                self._give_up(outcome, retries, elapsed, wait)
            http_logger.debug("Retry %d of %s %s in %.3f s after: %s", retries, method,
                              redact(url), wait, outcome.error)
            if wait > 0:
                yield Sleep(wait)

    def _give_up(self, outcome: _Outcome, retries: int, elapsed: float, wait: float) -> None:
        attempts = retries
        if outcome.graph is not None:
            why = ("the retry budget of {} retries was used".format(self.policy.max_retry)
                   if retries > self.policy.max_retry else
                   f"waiting {wait:.3f} s more would pass the {self.policy.time_budget:g} s "
                   "retry time limit")
            raise RetryExhaustedError(
                f"Gave up after {attempts} attempt(s) in {elapsed:.1f} s ({why}); last answer: "
                f"{outcome.graph.status} {outcome.graph}", last_error=outcome.graph,
                attempts=attempts) from outcome.graph
        raise outcome.error

    def _look_for_created(self, request: GraphRequest, cause: BridgeError,
                          warn: Optional[Warn]) -> Steps[Optional[dict[str, Any]]]:
        """List the collection after an unknown outcome: the match, or None if certainly absent."""
        if not isinstance(request.body, Mapping) or not request.body:
            raise cause  # nothing to recognise the object by: the outcome stays unknown
        try:
            items = yield from self._list_steps(request.path)
        except BridgeError as exc:
            kind = type(cause) if isinstance(cause, (NetworkError, TimeoutError_)) \
                else TransportError
            raise kind(f"{cause} -- the request may have been received, and listing "
                       f"{redact(request.path)} to find out failed too ({exc}); nothing was "
                       "re-sent.") from exc
        found = find_created(items, request.body)
        if found is not None and warn is not None:
            warn(f"Graph's answer to {request.method} {redact(request.path)} was lost ({cause}); "
                 f"the object returned (id {found.get('id')!r}) was found by listing the "
                 "collection instead of sending the request again. It has every value sent, "
                 "and may be an identical object that existed before this call: if you meant "
                 "to create another identical one, run the call again.")
        return found

    def _reject_static_token(self, response: GraphResponse) -> Steps[None]:
        graph = graph_error_from_response(response.status, response.headers, response.text,
                                          response.client_request_id)
        try:
            yield Token(force_refresh=True)
        except AuthenticationError as exc:
            raise exc from graph
        raise AuthenticationError(str(graph)) from graph  # pragma: no cover - providers raise


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
        return self._created(self._run(request, create=True, warn=warn or http_logger.warning))

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


def _may_still_run(error: BaseException) -> bool:
    """Whether a failed request may still be running on the server (it timed out waiting)."""
    return isinstance(error.__cause__, (httpx.ReadTimeout, httpx.WriteTimeout))


class _MalformedMarker:
    def __repr__(self) -> str:
        return "<malformed JSON>"


_MALFORMED: Any = _MalformedMarker()


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
