"""msal-backed token providers (client credentials, device code) and the caller-supplied token.

Each is a :class:`~bridge._tokens.TokenProvider`: the connection asks it for a
token before every request and after a 401 (``force_refresh``).
"""

from __future__ import annotations

import inspect
import threading
import time
from typing import TYPE_CHECKING, Any, Mapping

import httpx

from ._caller import call_hint, expired_user_token
from ._environments import GraphEnvironment
from ._exception_seam import map_exceptions
from ._exceptions import AuthenticationError
from ._http_client import MsalHttpClient
from ._redact import redact
from ._token_cache import TokenCacheFile
from ._tokens import AccessToken

if TYPE_CHECKING:
    import msal

__all__ = ["ConfidentialClientProvider", "DeviceCodeProvider", "StaticTokenProvider",
           "msal_app_kwargs", "describe_msal_error", "token_from_result"]


def msal_app_kwargs(environment: GraphEnvironment, tenant_id: str, http: httpx.Client,
                    cache: TokenCacheFile, timeout: float) -> dict[str, Any]:
    """The keyword arguments every msal application of this environment is made with."""
    import msal

    kwargs: dict[str, Any] = {"authority": environment.authority(tenant_id),
                              "http_client": MsalHttpClient(http, timeout),
                              "token_cache": cache.cache}
    if not environment.is_built_in:
        # A private authority: msal must not ask login.microsoftonline.com about it.
        kwargs["validate_authority"] = False
        if "instance_discovery" in inspect.signature(msal.ClientApplication.__init__).parameters:
            kwargs["instance_discovery"] = False  # msal >= 1.19
    return kwargs


def describe_msal_error(result: Any) -> str:
    """msal's ``error: error_description``, redacted, for an AuthenticationError."""
    if isinstance(result, dict):
        error = result.get("error") or "unknown_error"
        description = str(result.get("error_description") or "").strip()
        return redact(f"{error}: {description}" if description else str(error))
    return "no token was returned"


class ConfidentialClientProvider:
    """App-only tokens (client credentials) from an msal ConfidentialClientApplication."""

    def __init__(self, app: "msal.ConfidentialClientApplication", scopes: list[str],
                 cache: TokenCacheFile) -> None:
        self._app = app
        self._scopes = scopes
        self._cache = cache
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"<ConfidentialClientProvider client_id={self._app.client_id!r}>"

    def get_token(self, force_refresh: bool = False) -> AccessToken:
        with self._lock, map_exceptions("token request", auth=True):
            result: Any = None
            if force_refresh:
                # msal >= 1.23 consults its cache in acquire_token_for_client; evict first.
                cache = self._app.token_cache
                for entry in cache.find(cache.CredentialType.ACCESS_TOKEN,
                                        query={"client_id": self._app.client_id}):
                    cache.remove_at(entry)
            else:
                result = self._app.acquire_token_silent(self._scopes, account=None)
            if not result:
                result = self._app.acquire_token_for_client(scopes=self._scopes)
            self._cache.save()
        return token_from_result(result)


class DeviceCodeProvider:
    """Delegated tokens: a device-code sign-in at connect, then msal's silent refresh."""

    def __init__(self, app: "msal.PublicClientApplication", scopes: list[str],
                 cache: TokenCacheFile, account: Mapping[str, Any]) -> None:
        self._app = app
        self._scopes = scopes
        self._cache = cache
        self._account = dict(account)
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"<DeviceCodeProvider client_id={self._app.client_id!r}>"

    def get_token(self, force_refresh: bool = False) -> AccessToken:
        with self._lock, map_exceptions("token refresh", auth=True):
            result = self._app.acquire_token_silent_with_error(
                self._scopes, account=self._account, force_refresh=force_refresh)
            self._cache.save()
        if not result:
            raise AuthenticationError("The signed-in session has no usable token any more; "
                                      "connect with use_device_code=True again.")
        return token_from_result(result)


class StaticTokenProvider:
    """A caller-supplied access token: used as is, never refreshed."""

    def __init__(self, token: str, expires_on: float) -> None:
        self._token = AccessToken(token, expires_on)

    def __repr__(self) -> str:
        return f"<StaticTokenProvider {self._token!r}>"

    def get_token(self, force_refresh: bool = False) -> AccessToken:
        if self._token.expires_on <= time.time():
            raise AuthenticationError(expired_user_token())
        if force_refresh:
            where = call_hint("bridge.connect(access_token=...)", "`-AccessToken` parameter")
            raise AuthenticationError("Graph rejected the provided access token, and a "
                                      "caller-supplied token cannot be refreshed. Set a valid "
                                      f"access token to {where} and try again.")
        return self._token


def token_from_result(result: Any) -> AccessToken:
    """The :class:`AccessToken` in an msal result, or AuthenticationError with msal's reason."""
    if not isinstance(result, dict) or "access_token" not in result:
        raise AuthenticationError(describe_msal_error(result))
    expires_in = float(result.get("expires_in", 0) or 0)
    return AccessToken(str(result["access_token"]), time.time() + expires_in)
