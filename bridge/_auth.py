"""Connect-MgGraph, Disconnect-MgGraph and Get-MgContext: sign-in and the default connection.

:func:`connect` takes Connect-MgGraph's parameters (snake_case) and returns a
:class:`Connection`: the context ``Get-MgContext`` shows, a :class:`TokenProvider`
and the pooled httpx client every request of that connection goes through.
The last connection made with :func:`connect` is the module's default, used by
:func:`bridge._client.get_default_client`; :func:`disconnect` ends it and
:func:`get_context` shows it (None when not connected).

Sign-in methods (exactly one per call)::

    client secret         connect(client_id=, tenant_id=, client_secret="...")
                          connect(tenant_id=, client_secret=ClientSecretPair(id, secret))
    certificate file      connect(client_id=, tenant_id=, certificate_path="app.pfx",
                                  certificate_password="...")      # PEM or PFX
    certificate store     connect(client_id=, tenant_id=, certificate_thumbprint="AB12...")
                          connect(client_id=, tenant_id=, certificate_name="CN=app")
    device code           connect(client_id=, tenant_id=, use_device_code=True, scopes=[...])
    access token          connect(access_token="eyJ...")
    any Azure credential  connect(credential=DefaultAzureCredential())   # azure-core protocol
    environment variables connect(environment_variable=True)
    managed identity      connect(identity=True[, client_id=<user-assigned>])

The certificate store (a folder of PEM/PFX files) is described in
:mod:`bridge._certificates`; each method's steps are in :mod:`bridge._sign_in`.

Token caching is msal's: app-only tokens are reused until five minutes before
they expire, then a new one is requested. ``token_cache_path`` persists msal's
``SerializableTokenCache`` to a file created with 0600 permissions (its folder
0700); by default the cache lives in memory only.
"""

from __future__ import annotations

import os
import threading
from typing import TYPE_CHECKING, Callable, Mapping, Optional, Sequence, Union

from ._connection import Connection
from ._context import Context, ContextScope
from ._environments import DEFAULT_ENVIRONMENT, GraphEnvironment, get_environment
from ._http_client import build_http_client
from ._redact import forget_secret
from ._sign_in import ClientSecretPair, SignInOptions, sign_in

if TYPE_CHECKING:
    from ._credentials import TokenCredential

__all__ = ["connect", "disconnect", "get_context", "get_connection"]


_default_lock = threading.Lock()
_default: Optional[Connection] = None


def get_connection() -> Optional[Connection]:
    """The default connection made by :func:`connect`, or None."""
    return _default


def get_context() -> Optional[Context]:
    """Like Get-MgContext: the default connection's :class:`Context`, or None when not connected."""
    conn = _default
    return conn.context if conn is not None and not conn.closed else None


def disconnect() -> Optional[Context]:
    """Like Disconnect-MgGraph: end the default connection; returns its context (None if none)."""
    global _default
    with _default_lock:
        conn, _default = _default, None
    if conn is None:
        return None
    conn.disconnect()
    return conn.context


def connect(*, client_id: Optional[str] = None, tenant_id: Optional[str] = None,
            client_secret: Union[str, ClientSecretPair, None] = None,
            credential: Optional["TokenCredential"] = None,
            certificate_path: Optional[str] = None, certificate_password: Optional[str] = None,
            certificate_thumbprint: Optional[str] = None, certificate_name: Optional[str] = None,
            access_token: Optional[str] = None, use_device_code: bool = False,
            prompt: Optional[Callable[[str], None]] = None, device_code_timeout: float = 120.0,
            environment_variable: bool = False, identity: bool = False,
            environment: Union[str, GraphEnvironment, None] = None,
            scopes: Optional[Sequence[str]] = None, token_cache_path: Optional[str] = None,
            context_scope: Union[str, ContextScope, None] = None, timeout: float = 100.0,
            set_default: bool = True, environ: Optional[Mapping[str, str]] = None) -> Connection:
    """Sign in like Connect-MgGraph and return the :class:`Connection`.

    Parameters:
        client_id: the application id (for ``identity=True``: a user-assigned identity's
            client id; for device code: defaults to Microsoft Graph PowerShell's).
        tenant_id: the tenant id or domain (device code defaults to ``common``).
        client_secret: a secret string or a :class:`ClientSecretPair`.
        credential: any object following azure-core's ``TokenCredential`` protocol
            (``get_token(*scopes) -> AccessToken(token, expires_on)``), such as an
            azure-identity credential; asked for ``{GraphEndpoint}/.default`` (or
            ``scopes``) whenever the token is within five minutes of expiring.
        certificate_path: a PEM (certificate + key) or PFX file.
        certificate_password: the PEM key's or the PFX's password.
        certificate_thumbprint / certificate_name: find the certificate in the store folder.
        access_token: a token obtained elsewhere; used until it expires, never refreshed.
        use_device_code: sign in a user with the device code flow.
        prompt: receives msal's device-code message (default: printed to stderr).
        device_code_timeout: seconds to wait for the user, at most (SDK: 120).
        environment_variable: read AZURE_CLIENT_ID, AZURE_TENANT_ID and AZURE_CLIENT_SECRET or
            AZURE_CLIENT_CERTIFICATE_PATH (+ AZURE_CLIENT_CERTIFICATE_PASSWORD).
        identity: use the host's managed identity.
        environment: an environment name or object (default ``Global``).
        scopes: delegated scopes (``User.Read`` is qualified with the Graph endpoint);
            app-only sign-ins always use ``{GraphEndpoint}/.default``.
        token_cache_path: persist msal's token cache in this file (0600).
        context_scope: ``Process`` or ``CurrentUser`` (default: CurrentUser for device
            code, Process otherwise, as the SDK). Informational: persistence is
            chosen with ``token_cache_path``.
        timeout: seconds for each identity-provider request.
        set_default: make this the default connection (replacing and closing the old one;
            calls in flight on the old one finish on it).
        environ: where ``environment_variable``, ``identity`` and the certificate store read
            their variables (default ``os.environ``); the PowerShell shim passes its session's.

    Raises:
        ParameterSetError: no sign-in method, or more than one.
        BindingError: a missing or malformed parameter.
        AuthenticationError: the identity provider refused, or the token is invalid/expired.
        TransportError: the identity provider could not be reached.
    """
    global _default
    options = SignInOptions(
        client_id=client_id, tenant_id=tenant_id, client_secret=client_secret,
        credential=credential, certificate_path=certificate_path,
        certificate_password=certificate_password, certificate_thumbprint=certificate_thumbprint,
        certificate_name=certificate_name, access_token=access_token,
        use_device_code=use_device_code, prompt=prompt, device_code_timeout=device_code_timeout,
        environment_variable=environment_variable, identity=identity, scopes=scopes,
        token_cache_path=token_cache_path, context_scope=context_scope, timeout=timeout,
        environ=os.environ if environ is None else environ)
    env = environment if isinstance(environment, GraphEnvironment) \
        else get_environment(environment or DEFAULT_ENVIRONMENT)
    http = build_http_client(env.ssl_context(), timeout=timeout)
    secrets: list[str] = []
    try:
        conn = sign_in(options, env, http, secrets)
    except BaseException:
        http.close()
        for secret in secrets:
            forget_secret(secret)
        raise
    if set_default:
        with _default_lock:
            old, _default = _default, conn
        if old is not None and old is not conn:
            old.disconnect(clear_cache=False)  # Connect-MgGraph again keeps the token cache
    return conn
