"""The call behind ``bridge.aio.new_application_synchronization_job`` and ``bridge.aio.connect``."""

from __future__ import annotations

import asyncio
import functools
from typing import TYPE_CHECKING, Any, Callable, Coroutine, Mapping, Optional, Union

from .. import _auth
from .._api import bind_for, emit_outcome_warning
from .._connection import Connection
from .._context import Context
from .._credentials import AsyncCredentialTokenProvider
from .._generated.models import SynchronizationJob
from .._request import GraphRequest
from .._sign_in import credential_context
from ._client import AsyncGraphClient, get_default_client

if TYPE_CHECKING:
    from typing import ParamSpec

    _P = ParamSpec("_P")

__all__ = ["invoke", "connect", "disconnect"]


async def invoke(parameters: Mapping[str, Any], *, what_if: bool = False,
                 client: Optional[AsyncGraphClient] = None
                 ) -> Union[SynchronizationJob, GraphRequest]:
    """:func:`bridge._api.invoke`, awaiting the create (binding and what-if are the same)."""
    request = bind_for(parameters, client)
    if what_if:
        return request
    if client is None:
        client = get_default_client()
    said: list[str] = []  # said after the await, from the caller's task and frame
    job = SynchronizationJob(await client.create(request, warn=said.append))
    for message in said:
        emit_outcome_warning(message)
    return job


def _awaitable_connect(sync: "Callable[_P, Connection]"
                       ) -> "Callable[_P, Coroutine[Any, Any, Connection]]":
    """:func:`bridge.connect` as a coroutine with the very same signature (for editors too)."""

    @functools.wraps(sync)
    async def connect(*args: "_P.args", **kwargs: "_P.kwargs") -> Connection:
        conn = await asyncio.to_thread(sync, *args, **kwargs)
        provider = conn.token_provider
        if isinstance(provider, AsyncCredentialTokenProvider):
            try:
                token = await provider.aget_token()
            except BaseException:
                if kwargs.get("set_default", True):
                    _auth.disconnect()
                else:
                    conn.disconnect()
                raise
            conn.context = credential_context(token, provider.scopes, conn.environment,
                                              conn.context.context_scope)
        return conn

    connect.__doc__ = _CONNECT_NOTE + (sync.__doc__ or "")
    return connect


_CONNECT_NOTE = """Awaitable :func:`bridge.connect`: the same parameters and default connection.

    msal's sign-ins block, so they run in a worker thread. With an async
    ``credential`` (``AsyncTokenCredential``) the first token is awaited on the
    event loop, and the context filled in from it.

    """


connect = _awaitable_connect(_auth.connect)


async def disconnect() -> Optional[Context]:
    """:func:`bridge.disconnect`, also closing this event loop's default async client."""
    from . import _client
    loop = asyncio.get_running_loop()
    cached = _client._cached.pop(loop, None)
    if cached is not None:
        await cached[1].aclose()
    return _auth.disconnect()
