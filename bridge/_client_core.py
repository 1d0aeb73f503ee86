"""What :class:`GraphClient` and ``bridge.aio.AsyncGraphClient`` share: settings and the send logic.

The retry/no-double-POST logic is written once, as generators that *yield* the
I/O they need (send one attempt, wait, get a token) and receive its result.
GraphClient performs the steps with blocking calls, bridge.aio.AsyncGraphClient
awaits them: one behaviour, two drivers (the "sans-I/O" pattern of h11/httpcore).
"""

from __future__ import annotations

import json
import time
import uuid
from dataclasses import dataclass
from typing import Any, Callable, Generator, Mapping, Optional, TypeVar, Union

import httpx

from ._auth import get_connection
from ._connection import Connection
from ._caller import missing_auth_context
from ._dedup import find_created
from ._environments import GraphEnvironment
from ._exceptions import (AuthenticationError, BindingError, BridgeError, GraphError,
                          NetworkError, RetryExhaustedError, TimeoutError_, TransportError)
from ._exception_seam import request_maybe_sent
from ._http_log import http_logger
from ._redact import redact
from ._request import API_VERSIONS, GraphRequest
from ._response import GraphResponse, graph_error_from_response, status_name
from ._retry import RETRY_STATUSES, RetryPolicy
from ._settings import _check_timeout

__all__ = ["GraphClientCore", "Send", "Sleep", "Token", "Step", "Steps", "Warn"]

_IDEMPOTENT = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE"})
_MAX_LIST_PAGES = 50
_T = TypeVar("_T")


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
    def _created(result: Union[GraphResponse, dict[str, Any]],
                 request: GraphRequest) -> dict[str, Any]:
        if isinstance(result, GraphResponse):
            if not request.succeeded(result.status):  # the spec's success statuses
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



def _may_still_run(error: BaseException) -> bool:
    """Whether a failed request may still be running on the server (it timed out waiting)."""
    return isinstance(error.__cause__, (httpx.ReadTimeout, httpx.WriteTimeout))


class _MalformedMarker:
    def __repr__(self) -> str:
        return "<malformed JSON>"


_MALFORMED: Any = _MalformedMarker()

