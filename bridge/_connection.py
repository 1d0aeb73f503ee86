"""A signed-in :class:`Connection`: its context, token provider and pooled HTTP client."""

from __future__ import annotations

import contextlib
import threading
from typing import Any, Callable, Iterator, Optional, Sequence

import httpx

from ._caller import missing_auth_context
from ._context import AuthType, Context
from ._environments import GraphEnvironment
from ._exceptions import AuthenticationError
from ._redact import forget_secret
from ._tokens import AccessToken, TokenProvider

__all__ = ["Connection"]


class Connection:
    """A signed-in connection: context, token provider and pooled HTTP client.

    Usage::

        conn = bridge.connect(client_id=..., tenant_id=..., client_secret=...)
        conn.context.to_dict()        # what Get-MgContext shows
        token = conn.get_token()      # AccessToken; token text never in repr
        conn.disconnect()

    Parameters:
        context: the :class:`Context`.
        environment: the :class:`GraphEnvironment` signed in to.
        provider: the :class:`TokenProvider`.
        http_client: the pooled httpx client (its TLS trust is the environment's).
        secrets: strings to redact while the connection lives.
        on_close: called by :meth:`disconnect` (drops cached tokens).
    """

    def __init__(self, context: Context, environment: GraphEnvironment, provider: TokenProvider,
                 http_client: httpx.Client, *, secrets: Sequence[str] = (),
                 on_close: Optional[Callable[[], None]] = None) -> None:
        self.context = context
        self.environment = environment
        self.token_provider = provider
        self.http_client = http_client
        self._secrets = tuple(secrets)
        self._on_close = on_close
        self._closed = False
        # Calls in flight hold a lease (:meth:`lease`): a disconnect -- or a connect that
        # replaces this connection -- lets them finish on it and releases it after the last.
        self._lease_lock = threading.Lock()
        self._leases = 0
        self._released = False

    @property
    def closed(self) -> bool:
        """True after :meth:`disconnect`."""
        return self._closed

    @property
    def refreshable(self) -> bool:
        """False for a caller-supplied access token, which cannot be renewed."""
        return self.context.auth_type is not AuthType.USER_PROVIDED_ACCESS_TOKEN

    def get_token(self, force_refresh: bool = False) -> AccessToken:
        """A valid access token (see :class:`TokenProvider`); also for a leased, closed one."""
        self.ensure_usable()
        return self.token_provider.get_token(force_refresh=force_refresh)

    def ensure_usable(self) -> None:
        """Raise AuthenticationError unless tokens may be had (open, or closed but leased)."""
        if self._released or (self._closed and not self._leases):
            raise AuthenticationError(missing_auth_context())

    @contextlib.contextmanager
    def lease(self) -> Iterator["Connection"]:
        """Hold the connection open for one call, even if it is disconnected meanwhile.

        Raises:
            AuthenticationError: the connection was already closed when the call began.
        """
        with self._lease_lock:
            if self._closed:
                raise AuthenticationError(missing_auth_context())
            self._leases += 1
        try:
            yield self
        finally:
            with self._lease_lock:
                self._leases -= 1
                release = self._closed and not self._leases and not self._released
                self._released = self._released or release
            if release:
                self._release()

    def to_dict(self) -> dict[str, Any]:
        """Get-MgContext's view."""
        return self.context.to_dict()

    def disconnect(self, *, clear_cache: bool = True) -> None:
        """Close the HTTP client, drop cached tokens and stop redacting this connection's secrets.

        Parameters:
            clear_cache: remove this client's tokens from the (possibly persisted) token
                cache, as Disconnect-MgGraph does; False when a new connection replaces
                this one and may still use them.
        """
        with self._lease_lock:
            if self._closed:
                return
            self._closed = True
            release = not self._leases
            self._released = release
        try:
            if self._on_close is not None and clear_cache:
                self._on_close()
        finally:
            if release:  # else the last call in flight releases it (lease)
                self._release()

    def _release(self) -> None:
        close = getattr(self.token_provider, "close", None)
        if callable(close):
            close()
        self.http_client.close()
        for secret in self._secrets:
            forget_secret(secret)

    def __enter__(self) -> "Connection":
        return self

    def __exit__(self, *exc: object) -> None:
        self.disconnect()

    def close(self) -> None:
        """Same as :meth:`disconnect`."""
        self.disconnect()

    def __repr__(self) -> str:
        c = self.context
        state = " closed" if self._closed else ""
        return (f"<Connection{state} {c.auth_type.value}/{c.token_credential_type.value} "
                f"client_id={c.client_id!r} tenant_id={c.tenant_id!r} "
                f"environment={c.environment!r}>")
