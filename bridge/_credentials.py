"""Any Azure credential as a token source: the azure-core ``TokenCredential`` protocol.

Python users often hold an ``azure.identity`` credential already
(``DefaultAzureCredential``, ``ClientSecretCredential``, ...). Anything whose
``get_token(*scopes)`` returns an object with ``token`` and ``expires_on``
(azure-core's ``AccessToken`` named tuple, or :class:`bridge.AccessToken`) can
sign the bridge's requests; azure-identity is not a dependency, the protocols
below are structural. ``bridge.aio`` takes the async form (``async def
get_token``, azure-core's ``AsyncTokenCredential``).

Usage::

    from azure.identity import DefaultAzureCredential
    bridge.connect(credential=DefaultAzureCredential())
    client = bridge.GraphClient(credential=DefaultAzureCredential())

Tokens are asked for ``{GraphEndpoint}/.default`` and reused until five minutes
before they expire (azure-identity caches too; a credential without a cache is
not asked on every request). After a 401 the token is asked for again once.
"""

from __future__ import annotations

import asyncio
import inspect
import threading
from typing import Any, Awaitable, Optional, Protocol, Sequence, runtime_checkable

from ._exceptions import AuthenticationError
from ._redact import redact
from ._tokens import REFRESH_MARGIN, AccessToken

__all__ = ["AccessTokenLike", "TokenCredential", "AsyncTokenCredential",
           "CredentialTokenProvider", "AsyncCredentialTokenProvider", "is_token_credential",
           "is_async_credential"]


class AccessTokenLike(Protocol):
    """What ``get_token`` returns: azure-core's ``AccessToken`` or :class:`bridge.AccessToken`."""

    @property
    def token(self) -> str: ...

    @property
    def expires_on(self) -> float: ...


@runtime_checkable
class TokenCredential(Protocol):
    """azure-core's ``TokenCredential``, as far as the bridge uses it."""

    def get_token(self, *scopes: str) -> AccessTokenLike: ...


@runtime_checkable
class AsyncTokenCredential(Protocol):
    """azure-core's ``AsyncTokenCredential``, as far as ``bridge.aio`` uses it."""

    def get_token(self, *scopes: str) -> Awaitable[AccessTokenLike]: ...


def _checked(result: Any, credential: object) -> AccessToken:
    token = getattr(result, "token", None)
    expires_on = getattr(result, "expires_on", None)
    if not isinstance(token, str) or not token \
            or isinstance(expires_on, bool) or not isinstance(expires_on, (int, float)):
        raise AuthenticationError(
            f"{type(credential).__name__}.get_token() returned {type(result).__name__}, not an "
            "access token with 'token' (str) and 'expires_on' (seconds since the epoch).")
    return AccessToken(token, float(expires_on))


def _failed(credential: object, exc: Exception) -> AuthenticationError:
    return AuthenticationError(f"{type(credential).__name__}.get_token() failed: "
                               f"{type(exc).__name__}: {redact(exc)}")


class CredentialTokenProvider:
    """A :class:`~bridge.TokenProvider` over a sync ``TokenCredential``.

    Parameters:
        credential: the credential (``get_token(*scopes)``).
        scopes: what to ask for (``["https://graph.microsoft.com/.default"]``).
    """

    def __init__(self, credential: TokenCredential, scopes: Sequence[str]) -> None:
        self.credential = credential
        self.scopes = tuple(scopes)
        self._token: Optional[AccessToken] = None
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"<CredentialTokenProvider {type(self.credential).__name__}>"

    def get_token(self, force_refresh: bool = False) -> AccessToken:
        with self._lock:
            token = self._token
            if token is None or force_refresh or token.expires_within(REFRESH_MARGIN):
                try:
                    result = self.credential.get_token(*self.scopes)
                except AuthenticationError:
                    raise
                except Exception as exc:  # the credential's own errors (azure-core's, ...)
                    raise _failed(self.credential, exc) from exc
                token = self._token = _checked(result, self.credential)
            return token


class AsyncCredentialTokenProvider:
    """The async twin of :class:`CredentialTokenProvider`, for ``bridge.aio``.

    ``credential`` may be async (``AsyncTokenCredential``) or sync; a sync one is
    asked in a worker thread so the event loop never blocks on the network.
    """

    def __init__(self, credential: object, scopes: Sequence[str]) -> None:
        self.credential = credential
        self.scopes = tuple(scopes)
        self._token: Optional[AccessToken] = None
        self._lock: Optional[asyncio.Lock] = None

    def __repr__(self) -> str:
        return f"<AsyncCredentialTokenProvider {type(self.credential).__name__}>"

    def get_token(self, force_refresh: bool = False) -> AccessToken:
        """Sync callers cannot await the credential: a clear error instead of a hang."""
        raise AuthenticationError(
            f"This connection signs in with an async credential ({type(self.credential).__name__});"
            " use bridge.aio (await bridge.aio.new_application_synchronization_job(...)) or pass "
            "a sync credential.")

    async def aget_token(self, force_refresh: bool = False) -> AccessToken:
        """A valid token, asked of the credential when none is cached or it nearly expired."""
        if self._lock is None:
            self._lock = asyncio.Lock()  # made in the running loop
        async with self._lock:
            token = self._token
            if token is None or force_refresh or token.expires_within(REFRESH_MARGIN):
                get = getattr(self.credential, "get_token")
                try:
                    if is_async_credential(self.credential):
                        result = await get(*self.scopes)
                    else:  # a sync credential may block on the network: not on the loop
                        result = await asyncio.to_thread(get, *self.scopes)
                except AuthenticationError:
                    raise
                except Exception as exc:
                    raise _failed(self.credential, exc) from exc
                token = self._token = _checked(result, self.credential)
            return token


def is_async_credential(credential: object) -> bool:
    """True when ``credential.get_token`` is a coroutine function (AsyncTokenCredential)."""
    return inspect.iscoroutinefunction(getattr(credential, "get_token", None))


def is_token_credential(value: object) -> bool:
    """True for an object with a callable ``get_token`` (a TokenCredential, sync or async)."""
    return not isinstance(value, (str, bytes)) and callable(getattr(value, "get_token", None))
