"""``AsyncGraphClient``: :class:`bridge.GraphClient`'s behaviour on ``httpx.AsyncClient``.

The layers of a send and the never-create-twice logic are
:class:`bridge._client_core.GraphClientCore`'s and :mod:`bridge._create`'s,
shared with the sync client: this module only performs their steps with ``await``.

Cancellation of :meth:`AsyncGraphClient.create` leaves no job half-known:

* cancelled before the POST was sent: nothing was sent, the CancelledError
  propagates at once;
* cancelled once the POST may have reached Graph: the create is finished under
  :func:`asyncio.shield` -- its answer read, or after a lost answer the
  collection listed -- so it is known whether a job exists; the outcome is
  appended to :attr:`AsyncGraphClient.cancelled_creates` and logged on the
  ``bridge.aio`` logger (WARNING), then the CancelledError propagates.
"""

from __future__ import annotations

import asyncio
import inspect
import logging
import threading
import weakref
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Awaitable, Callable, Optional, TypeVar, Union

import httpx

from .._client_core import GraphClientCore, current_connection
from .._connection import Connection
from .._create import create_steps
from .._environments import GraphEnvironment
from .._http_client import http_client_options
from .._http_log import http_logger, log_exchange
from .._redact import redact
from .._request import DEFAULT_API_VERSION, GraphRequest
from .._response import GraphResponse
from .._retry import DEFAULT_MAX_RETRY, DEFAULT_MAX_RETRY_TIME, DEFAULT_RETRY_DELAY, IDEMPOTENT_METHODS
from .._settings import DEFAULT_CLIENT_TIMEOUT, get_profile, get_request_context
from .._steps import Send, Sleep, Step, Steps, StepWalk
from .._tokens import AccessToken

if TYPE_CHECKING:
    from .._credentials import AsyncTokenCredential, TokenCredential

__all__ = ["AsyncGraphClient", "CancelledCreate", "get_default_client"]

logger = logging.getLogger("bridge.aio")

_T = TypeVar("_T")


@dataclass(frozen=True)
class CancelledCreate:
    """How a create that was cancelled after its POST left actually ended.

    Parameters:
        request: the POST.
        job: the object Graph created (its JSON), or None when none was created.
        error: why no object came back (a GraphError, or a TransportError when
            the outcome stayed unknown even after listing), or None.
    """

    request: GraphRequest
    job: Optional[dict[str, Any]]
    error: Optional[BaseException]


class _Run:
    """The state one driven call shares with its canceller."""

    def __init__(self) -> None:
        self.posted = False  # a POST (or other non-idempotent request) may have left


class AsyncGraphClient(GraphClientCore):
    """Sends Graph requests for one connection, with ``async``/``await``.

    Usage::

        async with bridge.aio.AsyncGraphClient(credential=DefaultAzureCredential()) as client:
            job = await bridge.aio.new_application_synchronization_job(
                application_id=app_id, template_id="scim", client=client)

    Parameters:
        connection: a :class:`~bridge.Connection` (default: the one made by
            :func:`bridge.connect` / :func:`bridge.aio.connect`). Its sync token
            provider (msal) is called in a worker thread.
        credential: instead, an ``AsyncTokenCredential`` (``async def get_token``) or a
            sync ``TokenCredential``; the client then owns a connection of its own.
        environment: the environment for ``credential`` (name or object, default Global).
        api_version, max_retry, retry_delay, max_retry_time, timeout: as :class:`~bridge.GraphClient`.
        transport: an ``httpx.AsyncBaseTransport`` instead of the network (tests).
        sleep: the coroutine function used to wait between retries (tests).
    """

    def __init__(self, connection: Optional[Connection] = None, *,
                 credential: Union["AsyncTokenCredential", "TokenCredential", None] = None,
                 environment: Union[str, GraphEnvironment, None] = None,
                 api_version: str = DEFAULT_API_VERSION, max_retry: int = DEFAULT_MAX_RETRY,
                 retry_delay: float = DEFAULT_RETRY_DELAY,
                 max_retry_time: float = DEFAULT_MAX_RETRY_TIME,
                 timeout: float = DEFAULT_CLIENT_TIMEOUT,
                 transport: Optional[httpx.AsyncBaseTransport] = None,
                 sleep: Callable[[float], Awaitable[None]] = asyncio.sleep) -> None:
        super().__init__(connection, credential=credential, environment=environment,
                         asynchronous=True, api_version=api_version, max_retry=max_retry,
                         retry_delay=retry_delay, max_retry_time=max_retry_time, timeout=timeout)
        self._sleep = sleep
        self._http: httpx.AsyncClient = httpx.AsyncClient(
            transport=transport,
            **http_client_options(self.connection.environment.ssl_context(), timeout))
        #: Creates cancelled after their POST left, with how each really ended.
        self.cancelled_creates: list[CancelledCreate] = []

    async def aclose(self) -> None:
        """Close the HTTP client (and the connection, when made from ``credential``)."""
        await self._http.aclose()
        if self._owns_connection:
            self.connection.disconnect()

    async def __aenter__(self) -> "AsyncGraphClient":
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    # -- public operations
    async def send(self, request: GraphRequest, *,
                   raise_for_status: bool = True) -> GraphResponse:
        """Send a request with retries; return Graph's answer (see :meth:`GraphClient.send`)."""
        return await self._drive(self._send_steps(request, raise_for_status), _Run())

    async def create(self, request: GraphRequest, *,
                     warn: Optional[Callable[[str], None]] = None) -> dict[str, Any]:
        """POST to a collection and return the created object, never creating it twice.

        As :meth:`GraphClient.create` (``warn`` too); on cancellation see the module doc.
        """
        run = _Run()
        steps = create_steps(self, request, warn or http_logger.warning)
        task: "asyncio.Future[dict[str, Any]]" = asyncio.ensure_future(self._drive(steps, run))
        try:
            return await asyncio.shield(task)
        except asyncio.CancelledError:
            if task.done() and not task.cancelled():
                raise  # finished meanwhile; the outcome was known and is dropped by the caller
            if not run.posted:
                task.cancel()  # nothing left yet: stop here, nothing was sent
                raise
            await self._settle(request, task)
            raise

    async def list_all(self, path: str) -> list[Any]:
        """GET a collection and follow ``@odata.nextLink`` (at most 50 pages)."""
        return await self._drive(self._list_steps(path), _Run())

    # -- cancellation after the POST left
    async def _settle(self, request: GraphRequest,
                      task: "asyncio.Future[dict[str, Any]]") -> None:
        while not task.done():
            try:
                await asyncio.shield(task)
            except asyncio.CancelledError:
                continue  # cancelled again: still finish finding out
            except Exception:
                break
        job: Optional[dict[str, Any]] = None
        error: Optional[BaseException] = None
        try:
            job = task.result()
        except Exception as exc:
            error = exc
        self.cancelled_creates.append(CancelledCreate(request, job, error))
        if job is not None:
            logger.warning("%s %s was cancelled after it was sent; it created %r "
                           "(see AsyncGraphClient.cancelled_creates).", request.method,
                           redact(request.path), job.get("id"))
        else:
            logger.warning("%s %s was cancelled after it was sent; it created nothing: %s",
                           request.method, redact(request.path), error)

    # -- the driver: await each step
    async def _drive(self, steps: Steps[_T], run: _Run) -> _T:
        # As the sync driver: the whole call runs on the connection it started with.
        with self.connection.lease():
            walk = StepWalk(steps)
            for step in walk:
                with walk.reply() as reply:
                    reply.value = await self._perform(step, run)
            return walk.result

    async def _perform(self, step: Step, run: _Run) -> Any:
        if isinstance(step, Send):
            request = self._build(step)
            if step.method not in IDEMPOTENT_METHODS:
                run.posted = True
            with self._sending(step, request):
                response = await self._http.send(request)
            log_exchange(http_logger, request, response)
            return response
        if isinstance(step, Sleep):
            return await self._sleep(step.seconds)
        return await self._token(step.force_refresh)

    async def _token(self, force_refresh: bool) -> AccessToken:
        provider = self.connection.token_provider
        aget = getattr(provider, "aget_token", None)
        if aget is not None and inspect.iscoroutinefunction(aget):
            self.connection.ensure_usable()
            token: AccessToken = await aget(force_refresh=force_refresh)
            return token
        # msal is blocking: ask it in a worker thread, never on the event loop.
        return await asyncio.to_thread(self.connection.get_token, force_refresh)


# --------------------------------------------------------------------------- default client

_lock = threading.Lock()
# One default client per event loop: an httpx.AsyncClient belongs to the loop it ran in.
_Cached = tuple[tuple[Any, ...], "AsyncGraphClient"]
_cached: "weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, _Cached]" = \
    weakref.WeakKeyDictionary()


def get_default_client() -> AsyncGraphClient:
    """The :class:`AsyncGraphClient` of the default connection, profile and request context,
    one per running event loop.

    Raises:
        AuthenticationError: not connected (call :func:`bridge.aio.connect` first).
    """
    connection = current_connection()
    loop = asyncio.get_running_loop()
    settings = get_request_context()
    key = (id(connection), connection, settings, get_profile())
    with _lock:
        cached = _cached.get(loop)
        if cached is not None and cached[0] == key:
            return cached[1]
        if cached is not None:  # settings changed: close the old one on this loop
            loop.create_task(cached[1].aclose())
        client = AsyncGraphClient(connection, api_version=get_profile(),
                                  **settings.client_options())
        _cached[loop] = (key, client)
        return client
