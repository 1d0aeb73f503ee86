"""Managed identity tokens: msal's ManagedIdentityClient when present, else a small fallback.

msal added ``ManagedIdentityClient`` in 1.29; Debian ships 1.21, which has none.
When msal has it, it is used (with the bridge's httpx-based HTTP client). Otherwise
this module asks the local identity endpoint itself, choosing the source the
way Azure SDKs do, from the environment:

1. App Service / Functions / Container Apps (2019-08-01): ``IDENTITY_ENDPOINT`` and
   ``IDENTITY_HEADER`` are set ->
   ``GET {IDENTITY_ENDPOINT}?api-version=2019-08-01&resource=R[&client_id=C]``
   with header ``X-IDENTITY-HEADER: {IDENTITY_HEADER}``.
2. Older App Service (2017-09-01): ``MSI_ENDPOINT`` and ``MSI_SECRET`` ->
   ``GET {MSI_ENDPOINT}?api-version=2017-09-01&resource=R[&clientid=C]`` with header
   ``secret: {MSI_SECRET}``.
3. Otherwise the Azure Instance Metadata Service (VMs, scale sets, AKS pod identity):
   ``GET http://169.254.169.254/metadata/identity/oauth2/token?api-version=2018-02-01
   &resource=R[&client_id=C]`` with header ``Metadata: true``.

``MGBRIDGE_IMDS_ENDPOINT`` replaces the IMDS URL (for a local emulator; like the
Azure SDKs' ``AZURE_POD_IDENTITY_AUTHORITY_HOST``). Azure Arc's challenge flow and
Service Fabric are not handled by the fallback.
The resource ``R`` is the Graph endpoint (``https://graph.microsoft.com``); ``C`` is
the client id of a user-assigned identity (omitted for the system-assigned one).
Identity endpoints are local to the host, so they are called without proxies.

Tokens are reused until five minutes before they expire, as msal does.
"""

from __future__ import annotations

import os
import threading
import time
from datetime import datetime
from typing import Any, Mapping, Optional

import httpx

from ._exception_seam import map_exceptions
from ._exceptions import AuthenticationError
from ._http_client import MsalHttpClient
from ._http_log import auth_logger, log_exchange
from ._redact import redact, register_secret
from ._tokens import REFRESH_MARGIN, AccessToken

__all__ = ["ManagedIdentityTokenProvider", "detect_source", "IMDS_ENDPOINT",
           "IMDS_ENDPOINT_ENV_VAR"]

IMDS_ENDPOINT = "http://169.254.169.254/metadata/identity/oauth2/token"
IMDS_ENDPOINT_ENV_VAR = "MGBRIDGE_IMDS_ENDPOINT"


def detect_source(environ: Mapping[str, str]) -> str:
    """``"AppService"``, ``"AppService2017"`` or ``"IMDS"`` from the environment variables."""
    if environ.get("IDENTITY_ENDPOINT") and environ.get("IDENTITY_HEADER"):
        return "AppService"
    if environ.get("MSI_ENDPOINT") and environ.get("MSI_SECRET"):
        return "AppService2017"
    if environ.get("IDENTITY_ENDPOINT") and environ.get("IMDS_ENDPOINT"):
        return "AzureArc"
    return "IMDS"


def _parse_expires_on(value: Any, expires_in: Any, now: float) -> float:
    if value not in (None, ""):
        text = str(value).strip()
        try:
            return float(text)
        except ValueError:
            pass
        for fmt in ("%m/%d/%Y %I:%M:%S %p %z", "%m/%d/%Y %H:%M:%S %z"):
            try:  # the 2017-09-01 API's "09/14/2017 00:00:00 PM +00:00"
                return datetime.strptime(text, fmt).timestamp()
            except ValueError:
                continue
    if expires_in not in (None, ""):
        try:
            return now + float(expires_in)
        except (TypeError, ValueError):
            pass
    raise AuthenticationError("The managed identity endpoint returned a token without a "
                              "readable expiry (expires_on / expires_in).")


class ManagedIdentityTokenProvider:
    """A :class:`~bridge._tokens.TokenProvider` for Azure managed identities.

    Usage::

        provider = ManagedIdentityTokenProvider("https://graph.microsoft.com",
                                                client_id=None, ssl_context=ctx)
        token = provider.get_token()

    Parameters:
        resource: the resource to get a token for (the Graph endpoint).
        client_id: a user-assigned identity's client id; None for system-assigned.
        ssl_context: the TLS trust for https identity endpoints.
        timeout: seconds per request to the identity endpoint.
        environ: where to read the endpoint variables (default ``os.environ``).
        use_msal: use msal's ManagedIdentityClient when this msal has it (default True).
    """

    def __init__(self, resource: str, client_id: Optional[str] = None, *,
                 ssl_context: Any = True, timeout: float = 30.0,
                 environ: Optional[Mapping[str, str]] = None, use_msal: bool = True,
                 transport: Optional[httpx.BaseTransport] = None) -> None:
        self.resource = resource
        self.client_id = client_id
        self._environ = dict(os.environ if environ is None else environ)
        # Identity endpoints are on this host: never through a proxy.
        self._http = httpx.Client(verify=ssl_context, timeout=timeout, trust_env=False,
                                  transport=transport)
        self._lock = threading.Lock()
        self._token: Optional[tuple[str, float]] = None
        self._msal_client: Any = None
        self._msal_factory = _msal_managed_identity_client() if use_msal else None
        if self._msal_factory is not None:
            self.source = "msal"
            self._msal_client = self._msal_factory(client_id, MsalHttpClient(self._http, timeout))
        else:
            self.source = detect_source(self._environ)
            if self.source == "AzureArc":
                raise AuthenticationError("Azure Arc managed identity needs msal>=1.29 "
                                          "(ManagedIdentityClient); this msal has none.")
        for name in ("IDENTITY_HEADER", "MSI_SECRET"):
            register_secret(self._environ.get(name))

    def __repr__(self) -> str:
        kind = "user-assigned" if self.client_id else "system-assigned"
        return f"<ManagedIdentityTokenProvider {kind} source={self.source!r}>"

    def get_token(self, force_refresh: bool = False) -> AccessToken:
        """A valid token for the resource, from the cache unless near expiry or forced."""
        with self._lock:
            now = time.time()
            if (not force_refresh and self._token is not None
                    and self._token[1] - REFRESH_MARGIN > now):
                return AccessToken(self._token[0], self._token[1])
            token, expires_on = (self._acquire_with_msal(force_refresh)
                                 if self._msal_client is not None else self._acquire(now))
            self._token = (token, expires_on)
            return AccessToken(token, expires_on)

    def close(self) -> None:
        """Close the HTTP client used for the identity endpoint."""
        self._http.close()

    # -- msal >= 1.29
    def _acquire_with_msal(self, force_refresh: bool) -> tuple[str, float]:
        if force_refresh and self._msal_factory is not None:
            # ManagedIdentityClient has no force-refresh switch: a fresh client has an empty cache.
            self._msal_client = self._msal_factory(self.client_id, MsalHttpClient(self._http))
        with map_exceptions("managed identity", auth=True):
            result = self._msal_client.acquire_token_for_client(resource=self.resource)
        if not isinstance(result, dict) or "access_token" not in result:
            raise AuthenticationError(_describe_error(result))
        return result["access_token"], time.time() + float(result.get("expires_in", 0))

    # -- fallback
    def _acquire(self, now: float) -> tuple[str, float]:
        env = self._environ
        params: dict[str, str] = {"resource": self.resource}
        headers: dict[str, str] = {}
        if self.source == "AppService":
            url = env["IDENTITY_ENDPOINT"]
            params["api-version"] = "2019-08-01"
            headers["X-IDENTITY-HEADER"] = env["IDENTITY_HEADER"]
            if self.client_id:
                params["client_id"] = self.client_id
        elif self.source == "AppService2017":
            url = env["MSI_ENDPOINT"]
            params["api-version"] = "2017-09-01"
            headers["secret"] = env["MSI_SECRET"]
            if self.client_id:
                params["clientid"] = self.client_id
        else:
            url = env.get(IMDS_ENDPOINT_ENV_VAR) or IMDS_ENDPOINT
            params["api-version"] = "2018-02-01"
            headers["Metadata"] = "true"
            if self.client_id:
                params["client_id"] = self.client_id
        request = self._http.build_request("GET", url, params=params, headers=headers)
        response: Optional[httpx.Response] = None
        with map_exceptions(f"managed identity endpoint ({self.source})", auth=True):
            try:
                response = self._http.send(request)
            finally:
                log_exchange(auth_logger, request, response)
        if response.status_code != 200:
            raise AuthenticationError(
                f"The managed identity endpoint ({self.source}) answered HTTP "
                f"{response.status_code}: {redact(response.text[:500])}")
        try:
            payload = response.json()
        except ValueError as exc:
            raise AuthenticationError("The managed identity endpoint returned a body that is "
                                      "not JSON.") from exc
        if not isinstance(payload, dict) or not payload.get("access_token"):
            raise AuthenticationError(_describe_error(payload))
        expires_on = _parse_expires_on(payload.get("expires_on"), payload.get("expires_in"), now)
        return str(payload["access_token"]), expires_on


def _describe_error(result: Any) -> str:
    if isinstance(result, dict):
        error = result.get("error") or "unknown_error"
        description = result.get("error_description") or result.get("message") or ""
        return redact(f"Managed identity token request failed: {error}: {description}".rstrip(": "))
    return "Managed identity token request failed: no token in the answer."


def _msal_managed_identity_client() -> Any:
    """A factory ``(client_id, http_client) -> ManagedIdentityClient``, or None on old msal."""
    try:
        import msal
    except ImportError:  # pragma: no cover
        return None
    client_cls: Any = getattr(msal, "ManagedIdentityClient", None)
    if client_cls is None:
        return None

    def factory(client_id: Optional[str], http_client: Any) -> Any:
        if client_id:
            identity = msal.UserAssignedManagedIdentity(client_id=client_id)
        else:
            identity = msal.SystemAssignedManagedIdentity()
        return client_cls(identity, http_client=http_client)

    return factory
