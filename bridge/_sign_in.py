"""Each Connect-MgGraph sign-in method, ending in a :class:`~bridge._connection.Connection`."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any, Callable, Mapping, Optional, Sequence, Union

import httpx

from ._caller import expired_user_token, invalid_user_token
from ._certificates import find_in_store, load_certificate
from ._connection import Connection
from ._context import AuthType, Context, ContextScope, TokenCredentialType, scopes_from_claims
from ._credentials import AsyncCredentialTokenProvider, CredentialTokenProvider, is_async_credential
from ._environments import GraphEnvironment
from ._exception_seam import map_exceptions
from ._exceptions import AuthenticationError, BindingError
from ._managed_identity import ManagedIdentityTokenProvider
from ._redact import register_secret
from ._token_cache import TokenCacheFile
from ._token_providers import (ConfidentialClientProvider, DeviceCodeProvider, StaticTokenProvider,
                               describe_msal_error, msal_app_kwargs)
from ._tokens import AccessToken, token_claims

__all__ = ["ClientSecretPair", "POWERSHELL_CLIENT_ID", "sign_in", "credential_connection",
           "credential_context"]

#: The client id Connect-MgGraph uses for delegated sign-in when none is given.
POWERSHELL_CLIENT_ID = "14d82eec-204b-4c2f-b7e8-296a70dab67e"


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


def credential_connection(credential: object, env: GraphEnvironment, http: httpx.Client, *,
                          scopes: Optional[Sequence[str]] = None,
                          context_scope: Optional[ContextScope] = None,
                          asynchronous: bool = False) -> "Connection":
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
    return Context(
        client_id=claims.get("appid") or claims.get("azp"), tenant_id=claims.get("tid"),
        scopes=scopes_from_claims(claims) or tuple(scopes),
        auth_type=AuthType.DELEGATED if claims.get("scp") else AuthType.APP_ONLY,
        token_credential_type=TokenCredentialType.TOKEN_CREDENTIAL,
        account=claims.get("upn") or claims.get("preferred_username"),
        app_name=claims.get("app_displayname"),
        context_scope=context_scope or ContextScope.PROCESS, environment=env.name)


def _require(value: Optional[str], name: str, why: str) -> str:
    if not value or not str(value).strip():
        raise BindingError(f"{name} is required {why}.", parameter=name,
                           expected="a non-empty string", value=value)
    return str(value).strip()


def sign_in(env: GraphEnvironment, http: httpx.Client, secrets: list[str], *,
             client_id: Optional[str], tenant_id: Optional[str],
             client_secret: Union[str, ClientSecretPair, None],
             certificate_path: Optional[str], certificate_password: Optional[str],
             certificate_thumbprint: Optional[str], certificate_name: Optional[str],
             access_token: Optional[str], use_device_code: bool, prompt: Callable[[str], None],
             device_code_timeout: float, environment_variable: bool, identity: bool,
             scopes: Optional[Sequence[str]], token_cache_path: Optional[str],
             context_scope: Optional[ContextScope], timeout: float,
             environ: Mapping[str, str]) -> Connection:
    import msal

    def remember(secret: Optional[str]) -> None:
        if secret:
            register_secret(secret)
            secrets.append(secret)

    remember(certificate_password)
    credential_type: Optional[TokenCredentialType] = None

    if environment_variable:
        credential_type = TokenCredentialType.ENVIRONMENT_VARIABLE
        client_id = _require(environ.get("AZURE_CLIENT_ID"), "AZURE_CLIENT_ID",
                             "for environment_variable sign-in")
        tenant_id = _require(environ.get("AZURE_TENANT_ID"), "AZURE_TENANT_ID",
                             "for environment_variable sign-in")
        client_secret = environ.get("AZURE_CLIENT_SECRET") or None
        certificate_path = environ.get("AZURE_CLIENT_CERTIFICATE_PATH") or None
        certificate_password = environ.get("AZURE_CLIENT_CERTIFICATE_PASSWORD") or None
        remember(certificate_password)
        if not client_secret and not certificate_path:
            raise BindingError("environment_variable sign-in needs AZURE_CLIENT_SECRET or "
                               "AZURE_CLIENT_CERTIFICATE_PATH (user name/password sign-in is "
                               "not supported).", parameter="EnvironmentVariable",
                               expected="AZURE_CLIENT_SECRET or AZURE_CLIENT_CERTIFICATE_PATH")

    cache = TokenCacheFile(token_cache_path)

    # ---- access token
    if access_token:
        remember(access_token)
        claims = token_claims(access_token)
        exp = claims.get("exp")
        if not claims or not isinstance(exp, (int, float)):
            raise AuthenticationError(invalid_user_token())
        if exp <= time.time():
            raise AuthenticationError(expired_user_token())
        context = Context(
            client_id=claims.get("appid") or claims.get("azp"), tenant_id=claims.get("tid"),
            scopes=scopes_from_claims(claims), auth_type=AuthType.USER_PROVIDED_ACCESS_TOKEN,
            token_credential_type=TokenCredentialType.USER_PROVIDED_ACCESS_TOKEN,
            account=claims.get("upn") or claims.get("preferred_username"),
            app_name=claims.get("app_displayname"),
            context_scope=context_scope or ContextScope.PROCESS, environment=env.name)
        return Connection(context, env, StaticTokenProvider(access_token, float(exp)), http,
                          secrets=secrets)

    # ---- managed identity
    if identity:
        mi = ManagedIdentityTokenProvider(env.resource, client_id, ssl_context=env.ssl_context(),
                                          timeout=timeout, environ=environ)
        try:
            token = mi.get_token()
        except BaseException:
            mi.close()
            raise
        claims = token_claims(token.token)
        context = Context(
            client_id=claims.get("appid") or claims.get("azp") or client_id,
            tenant_id=claims.get("tid") or tenant_id, scopes=scopes_from_claims(claims),
            auth_type=AuthType.MANAGED_IDENTITY,
            token_credential_type=TokenCredentialType.MANAGED_IDENTITY,
            app_name=claims.get("app_displayname"),
            context_scope=context_scope or ContextScope.PROCESS, environment=env.name,
            managed_identity_id=client_id)
        return Connection(context, env, mi, http, secrets=secrets)

    # ---- device code (delegated)
    if use_device_code:
        client_id = client_id or POWERSHELL_CLIENT_ID
        tenant = tenant_id or "common"
        reserved = {"openid", "profile", "offline_access"}
        wanted = [env.qualify_scope(s) for s in (scopes or []) if s.lower() not in reserved] \
            or [env.scope]
        with map_exceptions("device code sign-in", auth=True):
            app = msal.PublicClientApplication(
                client_id, **msal_app_kwargs(env, tenant, http, cache, timeout))
            flow = app.initiate_device_flow(scopes=wanted)
            if "user_code" not in flow:
                raise AuthenticationError("Could not start the device code flow: "
                                          + describe_msal_error(flow))
            prompt(str(flow.get("message") or f"Enter the code {flow['user_code']} at "
                                                f"{flow.get('verification_uri')}"))
            flow["expires_at"] = min(float(flow.get("expires_at", 0)) or float("inf"),
                                     time.time() + device_code_timeout)
            result = app.acquire_token_by_device_flow(flow)
        if not isinstance(result, dict) or "access_token" not in result:
            error = result.get("error") if isinstance(result, dict) else None
            if error in ("authorization_pending", "slow_down", "expired_token", "code_expired"):
                raise AuthenticationError(f"Authentication timed out after {device_code_timeout:g} "
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
        claims = token_claims(str(result["access_token"]))
        context = Context(
            client_id=client_id, tenant_id=claims.get("tid") or tenant,
            scopes=scopes_from_claims(claims) or tuple(wanted), auth_type=AuthType.DELEGATED,
            token_credential_type=TokenCredentialType.DEVICE_CODE,
            account=account.get("username"), app_name=claims.get("app_displayname"),
            context_scope=context_scope or ContextScope.CURRENT_USER, environment=env.name)

        def forget_user() -> None:
            cache.clear_client(client_id or "")

        return Connection(context, env, DeviceCodeProvider(app, wanted, cache, account), http,
                          secrets=secrets, on_close=forget_user)

    # ---- app-only: secret or certificate (given directly or through environment variables)
    if isinstance(client_secret, ClientSecretPair):
        if client_id and client_id != client_secret.client_id:
            raise BindingError("client_id differs from the ClientSecretPair's client id.",
                               parameter="ClientId", expected=client_secret.client_id,
                               value=client_id)
        client_id, client_secret = client_secret.client_id, client_secret.client_secret
    client_id = _require(client_id, "ClientId", "for app-only sign-in")
    tenant_id = _require(tenant_id, "TenantId", "for app-only sign-in")
    thumbprint: Optional[str] = None
    subject: Optional[str] = None
    credential: Union[str, dict[str, str]]
    if client_secret:
        remember(client_secret)
        credential = client_secret
        credential_type = credential_type or TokenCredentialType.CLIENT_SECRET
    else:
        if certificate_path:
            cert = load_certificate(certificate_path, certificate_password)
        else:
            cert = find_in_store(environ=environ, thumbprint=certificate_thumbprint,
                                  name=certificate_name,
                                  password=certificate_password)
        remember(cert.private_key_pem)
        thumbprint, subject = cert.thumbprint, cert.subject
        credential = {"private_key": cert.private_key_pem, "thumbprint": cert.thumbprint}
        credential_type = credential_type or TokenCredentialType.CLIENT_CERTIFICATE
    scope_list = [env.scope]
    with map_exceptions("sign-in", auth=True):
        app = msal.ConfidentialClientApplication(
            client_id, client_credential=credential,
            **msal_app_kwargs(env, tenant_id, http, cache, timeout))
    provider = ConfidentialClientProvider(app, scope_list, cache)
    token = provider.get_token()  # Connect-MgGraph signs in eagerly: fail here, not later
    claims = token_claims(token.token)
    context = Context(
        client_id=client_id, tenant_id=claims.get("tid") or tenant_id,
        scopes=scopes_from_claims(claims), auth_type=AuthType.APP_ONLY,
        token_credential_type=credential_type, certificate_thumbprint=thumbprint,
        certificate_subject_name=subject, app_name=claims.get("app_displayname"),
        context_scope=context_scope or ContextScope.PROCESS, environment=env.name)

    def forget_app() -> None:
        cache.clear_client(client_id or "")

    return Connection(context, env, provider, http, secrets=secrets, on_close=forget_app)
