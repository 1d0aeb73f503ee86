"""The layers of a send, shared by :class:`GraphClient` and ``bridge.aio.AsyncGraphClient``.

Like httpx's ``send`` -> ``_send_handling_auth`` -> ``_send_handling_redirects``
-> ``_send_single_request``, each layer holds one concern and calls the next::

    _send_handling_auth      a 401 refreshes the token once and sends again
      _send_handling_retries 429/503/504 and unsent requests again, within one RetryBudget
        _send_single_attempt headers, token, one HTTP request (the exception seam)

The layers pass the ``httpx.Response`` up; :func:`bridge._response.read_response`
makes the :class:`GraphResponse` at the top. A request that may have reached
Graph before its answer was lost comes up as the seam's :class:`TransportError`
(``request_sent`` True) and is sent again only when idempotent; the create path,
:mod:`bridge._create`, wraps these layers to look for the object instead.

Each layer is a generator of :mod:`bridge._steps`, performed by the sync or the
async driver: one behaviour, two drivers.
"""

from __future__ import annotations

import contextlib
import uuid
from dataclasses import dataclass, field
from typing import Any, Iterator, Optional, Union

import httpx

from ._auth import get_connection
from ._connection import Connection
from ._sign_in import credential_connection
from ._caller import missing_auth_context
from ._environments import DEFAULT_ENVIRONMENT, GraphEnvironment, get_environment
from ._exception_seam import map_exceptions, request_maybe_sent
from ._exceptions import AuthenticationError, BindingError, BridgeError, TransportError
from ._http_client import build_http_client
from ._http_log import http_logger, log_exchange
from ._redact import redact
from ._request import API_VERSIONS, GraphRequest
from ._response import GraphResponse, read_response, response_error
from ._retry import IDEMPOTENT_METHODS, RETRY_STATUSES, RetryBudget, RetryPolicy
from ._settings import DEFAULT_CLIENT_TIMEOUT, check_timeout
from ._steps import Send, Sleep, Steps, Token

__all__ = ["GraphClientCore", "SendState", "connection_for_credential", "current_connection"]

_MAX_LIST_PAGES = 50


@dataclass
class SendState:
    """One call's state, shared by its layers (the create path re-enters them).

    Parameters:
        request: what is sent.
        url: the absolute URL (a page's ``@odata.nextLink`` when listing).
        budget: the call's retries and time.
        retry_statuses: the answers the retry layer sends again blindly (a create
            takes 504 out: Graph may have acted, so it looks first).
        refreshed: the token was refreshed after a 401 (once per call).
        force_refresh: the next attempt asks for a fresh token.
    """

    request: GraphRequest
    url: str
    budget: RetryBudget
    retry_statuses: frozenset[int] = RETRY_STATUSES
    refreshed: bool = False
    force_refresh: bool = False
    method: str = field(init=False)

    def __post_init__(self) -> None:
        self.method = self.request.method.upper()


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


def current_connection() -> Connection:
    """The default connection (:func:`bridge.connect`'s), or the "Authentication needed" error."""
    connection = get_connection()
    if connection is None or connection.closed:
        raise AuthenticationError(missing_auth_context())
    return connection


class GraphClientCore:
    """What :class:`GraphClient` and ``bridge.aio.AsyncGraphClient`` share: settings and layers.

    Parameters are :class:`GraphClient`'s (connection or credential, API version,
    retry settings, timeout); ``asynchronous`` says which client owns a credential's
    connection.
    """

    _http: Union[httpx.Client, httpx.AsyncClient]

    def __init__(self, connection: Optional[Connection], *, credential: object,
                 environment: Union[str, GraphEnvironment, None], asynchronous: bool,
                 api_version: str, max_retry: int, retry_delay: float, max_retry_time: float,
                 timeout: float) -> None:
        self._owns_connection = False
        if credential is not None:
            connection = connection_for_credential(credential, environment, connection,
                                                   asynchronous=asynchronous)
            self._owns_connection = True
        try:
            if connection is None:
                connection = current_connection()
            elif connection.closed:
                raise AuthenticationError(missing_auth_context())
            if api_version not in API_VERSIONS:
                raise BindingError(f"Unknown API version {api_version!r}; use one of "
                                   f"{', '.join(API_VERSIONS)}.", parameter="ApiVersion",
                                   expected=" or ".join(API_VERSIONS), value=api_version)
            check_timeout(timeout)
            self.policy = RetryPolicy(max_retry, retry_delay, max_retry_time)
        except BaseException:
            if self._owns_connection and connection is not None:
                connection.disconnect()
            raise
        self.connection = connection
        self.api_version = api_version
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

    def _state(self, request: GraphRequest, url: Optional[str] = None) -> SendState:
        return SendState(request, url or self.url(request), RetryBudget(self.policy))

    # -- what the public operations run (the create path is bridge._create)
    def _send_steps(self, request: GraphRequest, raise_for_status: bool) -> Steps[GraphResponse]:
        """:meth:`GraphClient.send`: the layers, then Graph's answer read."""
        http_response = yield from self._send_handling_auth(self._state(request))
        response = read_response(http_response)
        if raise_for_status and not response.ok:
            raise response_error(http_response)
        return response

    def _list_steps(self, path: str) -> Steps[list[Any]]:
        """GET a collection and follow ``@odata.nextLink`` (at most 50 pages)."""
        items: list[Any] = []
        next_url: Optional[str] = None
        for _ in range(_MAX_LIST_PAGES):
            state = self._state(GraphRequest("GET", path), next_url)
            response = yield from self._send_handling_auth(state)
            page = read_response(response)
            if not page.ok:
                raise response_error(response)
            body = page.json if isinstance(page.json, dict) else {}
            value = body.get("value")
            if isinstance(value, list):
                items.extend(value)
            link = body.get("@odata.nextLink")
            if not isinstance(link, str) or not link:
                return items
            if not link.startswith(self.endpoint + "/"):
                raise TransportError(f"Graph returned a nextLink outside {self.endpoint}: "
                                     f"{redact(link)}")
            next_url = link
        return items

    # -- the layers
    def _send_handling_auth(self, state: SendState) -> Steps[httpx.Response]:
        """After a 401, refresh the token once and send again (outside the retry budget)."""
        while True:
            response = yield from self._send_handling_retries(state)
            if response.status_code != 401 or state.refreshed:
                return response
            state.refreshed = True
            if not self.connection.refreshable:
                yield from self._reject_static_token(response)
            state.force_refresh = True

    def _send_handling_retries(self, state: SendState) -> Steps[httpx.Response]:
        """Send again after 429/503/504 or a failure before the request left, within the budget.

        A failure after the request may have arrived is sent again only for an
        idempotent method; for a POST it is raised: its outcome is unknown.
        """
        while True:
            try:
                response = yield from self._send_single_attempt(state)
            except TransportError as exc:
                if request_maybe_sent(exc) is not False and state.method not in IDEMPOTENT_METHODS:
                    raise  # a POST that may have arrived is never re-sent blindly
                error: BridgeError = exc
                retry_after = None
            else:
                if response.status_code not in state.retry_statuses:
                    return response
                error = response_error(response)
                retry_after = response.headers.get("retry-after")
            retry = state.budget.next_retry(retry_after)
            if retry.exhausted:
                state.budget.give_up(retry, error)
            http_logger.debug("Retry %d of %s %s in %.3f s after: %s", retry.number, state.method,
                              redact(state.url), retry.wait, error)
            if retry.wait > 0:
                yield Sleep(retry.wait)

    def _send_single_attempt(self, state: SendState) -> Steps[httpx.Response]:
        """One HTTP request: a fresh ``client-request-id``, ``Retry-Attempt``, the token."""
        token = yield Token(state.force_refresh)
        request = state.request
        headers = {"Accept": "application/json", "client-request-id": str(uuid.uuid4())}
        headers.update(request.headers)
        content = request.content if request.body is not None else None
        if content is not None:
            headers.setdefault("Content-Type", "application/json")
        if state.budget.retries:
            headers["Retry-Attempt"] = str(state.budget.retries)
        headers["Authorization"] = f"Bearer {token.token}"
        response: httpx.Response = yield Send(state.method, state.url, headers, content)
        state.force_refresh = False
        return response

    def _reject_static_token(self, response: httpx.Response) -> Steps[None]:
        graph = response_error(response)
        try:
            yield Token(force_refresh=True)
        except AuthenticationError as exc:
            raise exc from graph
        raise AuthenticationError(str(graph)) from graph  # pragma: no cover - providers raise

    # -- for the drivers
    def _build(self, step: Send) -> httpx.Request:
        return self._http.build_request(step.method, step.url, content=step.content,
                                        headers=dict(step.headers), timeout=self.timeout)

    @contextlib.contextmanager
    def _sending(self, step: Send, request: httpx.Request) -> Iterator[None]:
        """The seam around a driver's HTTP send: mapped exceptions; a failed request logged.

        The driver logs a request that was answered together with its answer.
        """
        with map_exceptions(f"{step.method} {redact(step.url)}"):
            try:
                yield
            except BaseException:
                log_exchange(http_logger, request, None)
                raise
