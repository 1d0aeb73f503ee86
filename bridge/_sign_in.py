"""Connect-MgGraph's sign-in methods, one function each, behind :func:`sign_in`.

:func:`sign_in` takes the parameters of ``connect`` as one :class:`SignInOptions`
(checked when it is made: exactly one method) and hands them to the method's
function. Each method asks for its first token at once, as Connect-MgGraph does
(fail at connect, not at the first call), decodes it once, and returns a
:class:`~bridge._connection.Connection` whose context the claims describe
(:func:`~bridge._context.context_from_claims`).
"""

from __future__ import annotations

import os
import sys
import time
from dataclasses import dataclass, field
from typing import Any, Callable, Mapping, Optional, Sequence, Union

import httpx

from ._caller import expired_user_token, invalid_user_token
from ._certificates import find_in_store, load_certificate
from ._connection import Connection
from ._context import (AuthType, Context, ContextScope, TokenCredentialType, context_from_claims,
                       parse_context_scope)
from ._credentials import (AsyncCredentialTokenProvider, CredentialTokenProvider,
                           is_async_credential, is_token_credential)
from ._environments import GraphEnvironment
from ._exception_seam import map_exceptions
from ._exceptions import AuthenticationError, BindingError, ParameterSetError
from ._managed_identity import ManagedIdentityTokenProvider
from ._redact import register_secret
from ._token_cache import TokenCacheFile
from ._token_providers import (ConfidentialClientProvider, DeviceCodeProvider, StaticTokenProvider,
                               describe_msal_error, msal_app_kwargs)
from ._tokens import AccessToken, token_claims

__all__ = ["ClientSecretPair", "SignInOptions", "POWERSHELL_CLIENT_ID", "sign_in",
           "credential_connection", "credential_context"]

#: The client id Connect-MgGraph uses for delegated sign-in when none is given.
POWERSHELL_CLIENT_ID = "14d82eec-204b-4c2f-b7e8-296a70dab67e"
_RESERVED_SCOPES = {"openid", "profile", "offline_access"}  # msal adds these itself


@dataclass(frozen=True)
class ClientSecretPair:
    """A client id and secret together, as Connect-MgGraph's ``-ClientSecretCredential``.

    Not a credential object in azure-identity's sense (``get_token``): for one of
    those, use ``connect(credential=...)``. Before 0.2 this class was called
    ``ClientSecretCredential``, the name of azure-identity's class with another
    signature; ``bridge.ClientSecretCredential`` still works, with a
    DeprecationWarning.

    Usage::

        pair = ClientSecretPair("00000000-app-id", os.environ["APP_SECRET"])
        connect(tenant_id="contoso.onmicrosoft.com", client_secret=pair)

    Parameters:
        client_id: the application (client) id (the PSCredential's user name).
        client_secret: the secret (the PSCredential's password); never in ``repr``.
    """

    client_id: str
    client_secret: str = field(repr=False)

    def __repr__(self) -> str:
        return f"ClientSecretPair(client_id={self.client_id!r}, client_secret=<redacted>)"


def _default_prompt(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


@dataclass(frozen=True)
class SignInOptions:
    """The sign-in parameters of :func:`bridge.connect`, as one value; checked when made.

    The fields are ``connect``'s parameters of the same names (secrets never in
    ``repr``); ``context_scope`` is parsed to a :class:`ContextScope`.

    Raises:
        ParameterSetError: no sign-in method, more than one, or more than one
            certificate source.
        BindingError: a credential object given as ``client_secret``, a
            ``credential`` without ``get_token``, or an unknown ``context_scope``.
    """

    client_id: Optional[str] = None
    tenant_id: Optional[str] = None
    client_secret: Union[str, ClientSecretPair, None] = field(default=None, repr=False)
    credential: Optional[object] = None
    certificate_path: Optional[str] = None
    certificate_password: Optional[str] = field(default=None, repr=False)
    certificate_thumbprint: Optional[str] = None
    certificate_name: Optional[str] = None
    access_token: Optional[str] = field(default=None, repr=False)
    use_device_code: bool = False
    prompt: Optional[Callable[[str], None]] = None
    device_code_timeout: float = 120.0
    environment_variable: bool = False
    identity: bool = False
    scopes: Optional[Sequence[str]] = None
    token_cache_path: Optional[str] = None
    context_scope: Union[str, ContextScope, None] = None
    timeout: float = 100.0
    environ: Mapping[str, str] = field(default_factory=lambda: os.environ, repr=False)

    def __post_init__(self) -> None:
        if is_token_credential(self.client_secret):
            raise BindingError("client_secret got a credential object (it has get_token); pass "
                               "it as bridge.connect(credential=...).", parameter="ClientSecret",
                               expected="a secret string or a ClientSecretPair",
                               value=type(self.client_secret).__name__)
        if self.credential is not None and not is_token_credential(self.credential):
            raise BindingError("credential must follow azure-core's TokenCredential protocol "
                               "(a get_token(*scopes) method returning token and expires_on); "
                               f"got {type(self.credential).__name__}.", parameter="Credential",
                               expected="an object with get_token(*scopes)",
                               value=type(self.credential).__name__)
        methods = _given(client_secret=self.client_secret, credential=self.credential,
                         certificate=self.certificate_path or self.certificate_thumbprint
                         or self.certificate_name, access_token=self.access_token,
                         use_device_code=self.use_device_code,
                         environment_variable=self.environment_variable, identity=self.identity)
        if len(methods) != 1:
            which = "none" if not methods else ", ".join(methods)
            raise ParameterSetError(
                "Choose exactly one sign-in method: client_secret, certificate_path/"
                "certificate_thumbprint/certificate_name, access_token, credential, "
                f"use_device_code, environment_variable or identity (given: {which}).",
                parameter="ParameterSet", expected="exactly one sign-in method")
        sources = _given(certificate_path=self.certificate_path,
                         certificate_thumbprint=self.certificate_thumbprint,
                         certificate_name=self.certificate_name)
        if len(sources) > 1:
            raise ParameterSetError("Use only one of certificate_path, certificate_thumbprint "
                                    f"and certificate_name (given: {', '.join(sources)}).",
                                    parameter="Certificate", expected="one certificate source")
        object.__setattr__(self, "context_scope", parse_context_scope(self.context_scope))

    def scope_or(self, default: ContextScope) -> ContextScope:
        """The ContextScope asked for, else the method's default (the SDK's)."""
        return self.context_scope if isinstance(self.context_scope, ContextScope) else default


def _given(**values: Any) -> list[str]:
    return [name for name, value in values.items() if value not in (None, False, "")]


def sign_in(options: SignInOptions, env: GraphEnvironment, http: httpx.Client,
            secrets: list[str]) -> Connection:
    """Sign in with the one method ``options`` names; the :class:`Connection` uses ``http``.

    Secrets met on the way are registered for redaction and appended to
    ``secrets``, so a caller whose sign-in fails can forget them again.
    """
    if options.credential is not None:
        return credential_connection(options.credential, env, http, scopes=options.scopes,
                                     context_scope=options.scope_or(ContextScope.PROCESS))
    _remember(secrets, options.certificate_password)
    if options.access_token:
        return _access_token(options, env, http, secrets)
    if options.identity:
        return _managed_identity(options, env, http, secrets)
    if options.use_device_code:
        return _device_code(options, env, http, secrets)
    if options.environment_variable:
        return _app_only(_environment_app_credentials(options, secrets), options, env, http,
                         secrets)
    return _app_only(_given_app_credentials(options), options, env, http, secrets)


def _remember(secrets: list[str], secret: Optional[str]) -> None:
    if secret:
        register_secret(secret)
        secrets.append(secret)


def _require(value: Optional[str], name: str, why: str) -> str:
    if not value or not str(value).strip():
        raise BindingError(f"{name} is required {why}.", parameter=name,
                           expected="a non-empty string", value=value)
    return str(value).strip()


def _access_token(options: SignInOptions, env: GraphEnvironment, http: httpx.Client,
                  secrets: list[str]) -> Connection:
    """A token obtained elsewhere: used until it expires, never refreshed."""
    token = str(options.access_token)
    _remember(secrets, token)
    claims = token_claims(token)
    exp = claims.get("exp")
    if not claims or not isinstance(exp, (int, float)):
        raise AuthenticationError(invalid_user_token())
    if exp <= time.time():
        raise AuthenticationError(expired_user_token())
    context = context_from_claims(
        claims, auth_type=AuthType.USER_PROVIDED_ACCESS_TOKEN,
        credential_type=TokenCredentialType.USER_PROVIDED_ACCESS_TOKEN, environment=env.name,
        context_scope=options.scope_or(ContextScope.PROCESS))
    return Connection(context, env, StaticTokenProvider(token, float(exp)), http, secrets=secrets)


def _managed_identity(options: SignInOptions, env: GraphEnvironment, http: httpx.Client,
                      secrets: list[str]) -> Connection:
    """The host's managed identity; ``client_id`` picks a user-assigned one."""
    provider = ManagedIdentityTokenProvider(env.resource, options.client_id,
                                            ssl_context=env.ssl_context(),
                                            timeout=options.timeout, environ=options.environ)
    try:
        token = provider.get_token()
    except BaseException:
        provider.close()
        raise
    context = context_from_claims(
        token_claims(token.token), auth_type=AuthType.MANAGED_IDENTITY,
        credential_type=TokenCredentialType.MANAGED_IDENTITY, environment=env.name,
        context_scope=options.scope_or(ContextScope.PROCESS), client_id=options.client_id,
        tenant_id=options.tenant_id, managed_identity_id=options.client_id)
    return Connection(context, env, provider, http, secrets=secrets)


def _device_code(options: SignInOptions, env: GraphEnvironment, http: httpx.Client,
                 secrets: list[str]) -> Connection:
    """A user signs in in a browser with the code shown; msal refreshes silently after."""
    import msal

    client_id = options.client_id or POWERSHELL_CLIENT_ID
    tenant = options.tenant_id or "common"
    wanted = [env.qualify_scope(s) for s in (options.scopes or [])
              if s.lower() not in _RESERVED_SCOPES] or [env.scope]
    timeout = options.device_code_timeout
    cache = TokenCacheFile(options.token_cache_path)
    with map_exceptions("device code sign-in", auth=True):
        app = msal.PublicClientApplication(
            client_id, **msal_app_kwargs(env, tenant, http, cache, options.timeout))
        flow = app.initiate_device_flow(scopes=wanted)
        if "user_code" not in flow:
            raise AuthenticationError("Could not start the device code flow: "
                                      + describe_msal_error(flow))
        (options.prompt or _default_prompt)(str(
            flow.get("message")
            or f"Enter the code {flow['user_code']} at {flow.get('verification_uri')}"))
        flow["expires_at"] = min(float(flow.get("expires_at", 0)) or float("inf"),
                                 time.time() + timeout)
        result = app.acquire_token_by_device_flow(flow)
    if not isinstance(result, dict) or "access_token" not in result:
        error = result.get("error") if isinstance(result, dict) else None
        if error in ("authorization_pending", "slow_down", "expired_token", "code_expired"):
            raise AuthenticationError(f"Authentication timed out after {timeout:g} "
                                      "seconds due to inactivity. Please try again.")
        raise AuthenticationError(describe_msal_error(result))
    cache.save()
    accounts = app.get_accounts()
    home = (result.get("id_token_claims") or {}).get("oid")
    account = next((a for a in accounts if home and str(a.get("local_account_id")) == home),
                   accounts[0] if accounts else None)
    if account is None:
        raise AuthenticationError("The identity provider returned no account for the "
                                  "device code sign-in.")
    context = context_from_claims(
        token_claims(str(result["access_token"])), auth_type=AuthType.DELEGATED,
        credential_type=TokenCredentialType.DEVICE_CODE, environment=env.name,
        context_scope=options.scope_or(ContextScope.CURRENT_USER), client_id=client_id,
        tenant_id=tenant, scopes=wanted, account=account.get("username"))
    return Connection(context, env, DeviceCodeProvider(app, wanted, cache, account), http,
                      secrets=secrets, on_close=lambda: cache.clear_client(client_id))


@dataclass(frozen=True)
class _AppCredentials:
    """What an app-only sign-in needs: given to ``connect``, or read from AZURE_* variables."""

    client_id: Optional[str]
    tenant_id: Optional[str]
    client_secret: Union[str, ClientSecretPair, None] = field(repr=False)
    certificate_path: Optional[str]
    certificate_password: Optional[str] = field(repr=False)
    certificate_thumbprint: Optional[str] = None
    certificate_name: Optional[str] = None
    credential_type: Optional[TokenCredentialType] = None


def _given_app_credentials(options: SignInOptions) -> _AppCredentials:
    return _AppCredentials(options.client_id, options.tenant_id, options.client_secret,
                           options.certificate_path, options.certificate_password,
                           options.certificate_thumbprint, options.certificate_name)


def _environment_app_credentials(options: SignInOptions, secrets: list[str]) -> _AppCredentials:
    """An app-only sign-in from AZURE_CLIENT_ID, AZURE_TENANT_ID and a secret or certificate."""
    environ = options.environ
    why = "for environment_variable sign-in"
    found = _AppCredentials(
        client_id=_require(environ.get("AZURE_CLIENT_ID"), "AZURE_CLIENT_ID", why),
        tenant_id=_require(environ.get("AZURE_TENANT_ID"), "AZURE_TENANT_ID", why),
        client_secret=environ.get("AZURE_CLIENT_SECRET") or None,
        certificate_path=environ.get("AZURE_CLIENT_CERTIFICATE_PATH") or None,
        certificate_password=environ.get("AZURE_CLIENT_CERTIFICATE_PASSWORD") or None,
        credential_type=TokenCredentialType.ENVIRONMENT_VARIABLE)
    _remember(secrets, found.certificate_password)
    if not found.client_secret and not found.certificate_path:
        raise BindingError("environment_variable sign-in needs AZURE_CLIENT_SECRET or "
                           "AZURE_CLIENT_CERTIFICATE_PATH (user name/password sign-in is "
                           "not supported).", parameter="EnvironmentVariable",
                           expected="AZURE_CLIENT_SECRET or AZURE_CLIENT_CERTIFICATE_PATH")
    return found


def _app_only(app: _AppCredentials, options: SignInOptions, env: GraphEnvironment,
              http: httpx.Client, secrets: list[str]) -> Connection:
    """Client credentials (a secret or a certificate): app-only tokens from msal."""
    import msal

    given_id, secret = app.client_id, app.client_secret
    if isinstance(secret, ClientSecretPair):
        if given_id and given_id != secret.client_id:
            raise BindingError("client_id differs from the ClientSecretPair's client id.",
                               parameter="ClientId", expected=secret.client_id, value=given_id)
        given_id, secret = secret.client_id, secret.client_secret
    client_id = _require(given_id, "ClientId", "for app-only sign-in")
    tenant_id = _require(app.tenant_id, "TenantId", "for app-only sign-in")
    cache = TokenCacheFile(options.token_cache_path)
    credential: Union[str, dict[str, str]]
    thumbprint: Optional[str] = None
    subject: Optional[str] = None
    if secret:
        _remember(secrets, secret)
        credential = secret
        credential_type = app.credential_type or TokenCredentialType.CLIENT_SECRET
    else:
        cert = (load_certificate(app.certificate_path, app.certificate_password)
                if app.certificate_path else
                find_in_store(environ=options.environ, thumbprint=app.certificate_thumbprint,
                              name=app.certificate_name, password=app.certificate_password))
        _remember(secrets, cert.private_key_pem)
        thumbprint, subject = cert.thumbprint, cert.subject
        credential = {"private_key": cert.private_key_pem, "thumbprint": cert.thumbprint}
        credential_type = app.credential_type or TokenCredentialType.CLIENT_CERTIFICATE
    with map_exceptions("sign-in", auth=True):
        confidential = msal.ConfidentialClientApplication(
            client_id, client_credential=credential,
            **msal_app_kwargs(env, tenant_id, http, cache, options.timeout))
    provider = ConfidentialClientProvider(confidential, [env.scope], cache)
    token = provider.get_token()  # Connect-MgGraph signs in eagerly: fail here, not later
    context = context_from_claims(
        token_claims(token.token), auth_type=AuthType.APP_ONLY,
        credential_type=credential_type, environment=env.name,
        context_scope=options.scope_or(ContextScope.PROCESS), client_id=client_id,
        tenant_id=tenant_id, certificate_thumbprint=thumbprint, certificate_subject_name=subject)
    return Connection(context, env, provider, http, secrets=secrets,
                      on_close=lambda: cache.clear_client(client_id))


def credential_connection(credential: object, env: GraphEnvironment, http: httpx.Client, *,
                          scopes: Optional[Sequence[str]] = None,
                          context_scope: Optional[ContextScope] = None,
                          asynchronous: bool = False) -> Connection:
    """A :class:`Connection` whose tokens come from an azure-core-style credential.

    A sync credential is asked for the first token now, as every sign-in does
    (fail at connect, not at the first call). An async credential
    (``AsyncTokenCredential``), or ``asynchronous=True``, gives a connection for
    ``bridge.aio`` whose first token is awaited there (:func:`bridge.aio.connect`
    then fills in the context with :func:`credential_context`).
    """
    wanted = [env.qualify_scope(s) for s in scopes] if scopes else [env.scope]
    provider: Any
    token: Optional[AccessToken] = None
    if asynchronous or is_async_credential(credential):
        provider = AsyncCredentialTokenProvider(credential, wanted)
    else:
        provider = CredentialTokenProvider(credential, wanted)  # type: ignore[arg-type]
        token = provider.get_token()
    context = credential_context(token, wanted, env, context_scope)
    return Connection(context, env, provider, http)


def credential_context(token: Optional[AccessToken], scopes: Sequence[str], env: GraphEnvironment,
                       context_scope: Optional[ContextScope] = None) -> Context:
    """Get-MgContext's view of a credential sign-in, from its token's claims when known."""
    claims = token_claims(token.token) if token is not None else {}
    return context_from_claims(
        claims, auth_type=AuthType.DELEGATED if claims.get("scp") else AuthType.APP_ONLY,
        credential_type=TokenCredentialType.TOKEN_CREDENTIAL, environment=env.name,
        context_scope=context_scope or ContextScope.PROCESS, scopes=scopes)
