"""Sign-in with msal behind one small interface, as Connect-MgGraph does it.

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

The certificate store is a folder: ``MGBRIDGE_CERT_STORE`` or ``~/.mgbridge/certs``,
holding ``*.pem`` (certificate and private key) and ``*.pfx``/``*.p12`` files.
A thumbprint is the SHA-1 of the certificate's DER, in hex (case, spaces and
colons ignored); a name matches the subject's CN (``"app"`` or ``"CN=app"``) or
the whole subject. Expired certificates are skipped, and among several matches
the one valid longest is used.

Token caching is msal's: app-only tokens are reused until five minutes before
they expire, then a new one is requested. ``token_cache_path`` persists msal's
``SerializableTokenCache`` to a file created with 0600 permissions (its folder
0700); by default the cache lives in memory only.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import datetime as _dt
import inspect
import json
import logging
import os
import re
import sys
import threading
import time
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from typing import (TYPE_CHECKING, Any, Callable, Iterator, Mapping, Optional, Protocol,
                    Sequence, Union, runtime_checkable)

import httpx

from ._caller import (MISSING_AUTH_CONTEXT, call_hint, expired_user_token, invalid_user_token,
                      missing_auth_context)
from ._environments import DEFAULT_ENVIRONMENT, GraphEnvironment, get_environment
from ._exceptions import AuthenticationError, BindingError, ParameterSetError
from ._redact import forget_secret, redact, register_secret
from ._exception_seam import map_exceptions
from ._http_client import MsalHttpClient, build_http_client

if TYPE_CHECKING:
    import msal

    from ._credentials import TokenCredential

__all__ = ["AccessToken", "TokenProvider", "Context", "Connection", "ClientSecretPair",
           "AuthType", "TokenCredentialType", "ContextScope", "connect", "disconnect",
           "get_context", "get_connection", "CERT_STORE_ENV_VAR", "DEFAULT_CERT_STORE",
           "POWERSHELL_CLIENT_ID", "MISSING_AUTH_CONTEXT", "token_claims", "cert_store_path",
           "credential_connection", "credential_context", "is_token_credential"]

logger = logging.getLogger("bridge.auth")

CERT_STORE_ENV_VAR = "MGBRIDGE_CERT_STORE"
DEFAULT_CERT_STORE = "~/.mgbridge/certs"
#: The client id Connect-MgGraph uses for delegated sign-in when none is given.
POWERSHELL_CLIENT_ID = "14d82eec-204b-4c2f-b7e8-296a70dab67e"
_REFRESH_MARGIN = 300.0  # msal treats a token with less than 5 minutes left as expired


class AuthType(str, Enum):
    """Get-MgContext's AuthType."""

    APP_ONLY = "AppOnly"
    DELEGATED = "Delegated"
    MANAGED_IDENTITY = "ManagedIdentity"
    USER_PROVIDED_ACCESS_TOKEN = "UserProvidedAccessToken"


class TokenCredentialType(str, Enum):
    """Get-MgContext's TokenCredentialType."""

    CLIENT_SECRET = "ClientSecret"
    CLIENT_CERTIFICATE = "ClientCertificate"
    DEVICE_CODE = "DeviceCode"
    USER_PROVIDED_ACCESS_TOKEN = "UserProvidedAccessToken"
    MANAGED_IDENTITY = "ManagedIdentity"
    ENVIRONMENT_VARIABLE = "EnvironmentVariable"
    #: Python only: an object following azure-core's TokenCredential protocol.
    TOKEN_CREDENTIAL = "TokenCredential"


class ContextScope(str, Enum):
    """Get-MgContext's ContextScope."""

    PROCESS = "Process"
    CURRENT_USER = "CurrentUser"


@dataclass(frozen=True)
class AccessToken:
    """A bearer token and when it expires. The token never appears in ``repr``.

    Usage::

        >>> token = AccessToken("eyJ...", expires_on=1_900_000_000)
        >>> token
        AccessToken(token=<redacted>, expires_on=2030-03-17T17:46:40+00:00)
        >>> headers = {"Authorization": f"Bearer {token.token}"}

    Parameters:
        token: the bearer token.
        expires_on: expiry as seconds since the epoch.
    """

    token: str = field(repr=False)
    expires_on: float

    def __repr__(self) -> str:
        moment = _dt.datetime.fromtimestamp(self.expires_on, _dt.timezone.utc)
        return f"AccessToken(token=<redacted>, expires_on={moment.isoformat(timespec='seconds')})"

    def expires_within(self, seconds: float) -> bool:
        """True when fewer than ``seconds`` remain."""
        return self.expires_on - time.time() < seconds


@runtime_checkable
class TokenProvider(Protocol):
    """What a connection needs from a sign-in method: a valid token on demand."""

    def get_token(self, force_refresh: bool = False) -> AccessToken:
        """A token valid for Graph; ``force_refresh`` bypasses any cached token."""
        ...


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


@dataclass(frozen=True)
class Context:
    """What Get-MgContext shows about a connection. Holds no secret.

    Usage::

        context = bridge.get_context()       # None when not connected
        context.auth_type                    # AuthType.APP_ONLY
        context.to_dict()["TokenCredentialType"]   # "ClientSecret"

    Parameters:
        client_id, tenant_id: the application and tenant.
        scopes: the scopes (delegated) or app roles (app-only) the token carries.
        auth_type: AppOnly, Delegated, ManagedIdentity or UserProvidedAccessToken.
        token_credential_type: how the token is obtained.
        certificate_thumbprint, certificate_subject_name: for certificate sign-in.
        account: the signed-in user (delegated).
        app_name: the application's display name, when the token says it.
        context_scope: Process or CurrentUser.
        environment: the environment's name.
        managed_identity_id: the user-assigned identity's client id.
    """

    client_id: Optional[str]
    tenant_id: Optional[str]
    scopes: tuple[str, ...]
    auth_type: AuthType
    token_credential_type: TokenCredentialType
    certificate_thumbprint: Optional[str] = None
    certificate_subject_name: Optional[str] = None
    account: Optional[str] = None
    app_name: Optional[str] = None
    context_scope: ContextScope = ContextScope.PROCESS
    environment: str = DEFAULT_ENVIRONMENT
    managed_identity_id: Optional[str] = None

    def to_dict(self) -> dict[str, Any]:
        """Get-MgContext's property names and values."""
        return {"ClientId": self.client_id, "TenantId": self.tenant_id,
                "Scopes": list(self.scopes), "AuthType": self.auth_type.value,
                "TokenCredentialType": self.token_credential_type.value,
                "CertificateThumbprint": self.certificate_thumbprint,
                "CertificateSubjectName": self.certificate_subject_name,
                "Account": self.account, "AppName": self.app_name,
                "ContextScope": self.context_scope.value, "Certificate": None,
                "PSHostVersion": None, "ManagedIdentityId": self.managed_identity_id,
                "ClientSecret": None, "Environment": self.environment}


# --------------------------------------------------------------------------- JWT claims

def token_claims(token: str) -> dict[str, Any]:
    """The payload of a JWT, unverified (for the context display only); {} if not a JWT."""
    parts = token.split(".")
    if len(parts) != 3:
        return {}
    try:
        payload = json.loads(base64.urlsafe_b64decode(parts[1] + "=" * (-len(parts[1]) % 4)))
    except (ValueError, binascii.Error):
        return {}
    return payload if isinstance(payload, dict) else {}


def _scopes_from_claims(claims: Mapping[str, Any]) -> tuple[str, ...]:
    roles = claims.get("roles")
    if isinstance(roles, list) and roles:
        return tuple(str(r) for r in roles)
    scp = claims.get("scp")
    if isinstance(scp, str) and scp.strip():
        return tuple(scp.split())
    return ()


# --------------------------------------------------------------------------- token cache

class _TokenCacheFile:
    """msal's SerializableTokenCache, loaded from and saved to one file (0600)."""

    def __init__(self, path: Optional[str]) -> None:
        import msal

        self.cache = msal.SerializableTokenCache()
        self.path = Path(path).expanduser() if path else None
        self._lock = threading.Lock()
        if self.path is not None and self.path.exists():
            os.chmod(self.path, 0o600)  # tighten a file created by someone else's umask
            with map_exceptions("token cache", auth=True):
                self.cache.deserialize(self.path.read_text(encoding="utf-8"))

    def save(self) -> None:
        if self.path is None or not self.cache.has_state_changed:
            return
        with self._lock:
            self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            tmp = self.path.with_name(self.path.name + ".tmp")
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(self.cache.serialize())
            os.replace(tmp, self.path)
            self.cache.has_state_changed = False

    def clear_client(self, client_id: str) -> None:
        """Drop every token and account this client put in the cache."""
        cache = self.cache
        kinds = cache.CredentialType
        for entry in cache.find(kinds.ACCESS_TOKEN, query={"client_id": client_id}):
            cache.remove_at(entry)
        for entry in cache.find(kinds.REFRESH_TOKEN, query={"client_id": client_id}):
            cache.remove_rt(entry)
        for entry in cache.find(kinds.ID_TOKEN, query={"client_id": client_id}):
            cache.remove_idt(entry)
        self.save()


# --------------------------------------------------------------------------- providers

def _msal_app_kwargs(environment: GraphEnvironment, tenant_id: str, http: httpx.Client,
                     cache: _TokenCacheFile, timeout: float) -> dict[str, Any]:
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


def _describe_msal_error(result: Any) -> str:
    if isinstance(result, dict):
        error = result.get("error") or "unknown_error"
        description = str(result.get("error_description") or "").strip()
        return redact(f"{error}: {description}" if description else str(error))
    return "no token was returned"


class _ConfidentialClientProvider:
    """App-only tokens (client credentials) from an msal ConfidentialClientApplication."""

    def __init__(self, app: "msal.ConfidentialClientApplication", scopes: list[str],
                 cache: _TokenCacheFile) -> None:
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
        return _token_from_result(result)


class _DeviceCodeProvider:
    """Delegated tokens: a device-code sign-in at connect, then msal's silent refresh."""

    def __init__(self, app: "msal.PublicClientApplication", scopes: list[str],
                 cache: _TokenCacheFile, account: Mapping[str, Any]) -> None:
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
        return _token_from_result(result)


class _StaticTokenProvider:
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


def _token_from_result(result: Any) -> AccessToken:
    if not isinstance(result, dict) or "access_token" not in result:
        raise AuthenticationError(_describe_msal_error(result))
    expires_in = float(result.get("expires_in", 0) or 0)
    return AccessToken(str(result["access_token"]), time.time() + expires_in)


# --------------------------------------------------------------------------- certificates

@dataclass(frozen=True)
class _Certificate:
    private_key_pem: str = field(repr=False)
    thumbprint: str
    subject: str
    common_name: Optional[str]
    not_after: _dt.datetime
    path: str


_PEM_CERT = re.compile(rb"-----BEGIN CERTIFICATE-----.+?-----END CERTIFICATE-----", re.DOTALL)


def _load_certificate(path: str, password: Optional[str]) -> _Certificate:
    """Read a PEM (certificate + private key) or PFX file."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.serialization import pkcs12
    from cryptography.x509.oid import NameOID

    try:
        data = Path(path).expanduser().read_bytes()
    except OSError as exc:
        raise BindingError(f"Cannot read the certificate file {path!r}: {exc.strerror}.",
                           parameter="CertificatePath", expected="a readable PEM or PFX file",
                           value=path) from exc
    secret = password.encode("utf-8") if password else None
    try:
        if b"-----BEGIN" in data:
            key = serialization.load_pem_private_key(data, secret)
            certs = [x509.load_pem_x509_certificate(block) for block in _PEM_CERT.findall(data)]
        else:
            pfx_key, leaf, extra = pkcs12.load_key_and_certificates(data, secret)
            if pfx_key is None:
                raise AuthenticationError(f"The PFX file {path!r} holds no private key.")
            key = pfx_key
            certs = ([leaf] if leaf is not None else []) + list(extra)
    except (ValueError, TypeError) as exc:
        hint = " (wrong or missing certificate password?)" if "password" in str(exc).lower() \
            or "decrypt" in str(exc).lower() or "mac" in str(exc).lower() else ""
        raise AuthenticationError(f"Cannot load the certificate {path!r}{hint}: "
                                  f"{redact(exc)}") from exc
    if key is None or not certs:
        raise AuthenticationError(f"The certificate file {path!r} must hold a certificate and "
                                  "its private key.")
    public = key.public_key().public_bytes(serialization.Encoding.DER,
                                           serialization.PublicFormat.SubjectPublicKeyInfo)
    leaf_cert = next((c for c in certs if c.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo) == public),
        None)
    if leaf_cert is None:
        raise AuthenticationError(f"No certificate in {path!r} matches its private key.")
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption()).decode("ascii")
    thumbprint = leaf_cert.fingerprint(hashes.SHA1()).hex().upper()  # noqa: S303 - x5t is SHA-1
    cns = leaf_cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
    common_name = str(cns[0].value) if cns else None
    not_after = leaf_cert.not_valid_after.replace(tzinfo=_dt.timezone.utc)
    return _Certificate(pem, thumbprint, leaf_cert.subject.rfc4514_string(), common_name,
                        not_after, str(path))


def _normalise_thumbprint(value: str) -> str:
    return re.sub(r"[\s:]", "", value).upper()


def cert_store_path(environ: Optional[Mapping[str, str]] = None) -> Path:
    """The certificate folder: ``MGBRIDGE_CERT_STORE`` (of ``environ``, default the process's)
    or ``~/.mgbridge/certs``."""
    environ = os.environ if environ is None else environ
    return Path(environ.get(CERT_STORE_ENV_VAR) or DEFAULT_CERT_STORE).expanduser()


def _find_in_store(*, thumbprint: Optional[str], name: Optional[str],
                   password: Optional[str], environ: Mapping[str, str]) -> _Certificate:
    store = cert_store_path(environ)
    wanted_thumb = _normalise_thumbprint(thumbprint) if thumbprint else None
    wanted_name = name.strip().lower() if name else None
    now = _dt.datetime.now(_dt.timezone.utc)
    matches: list[_Certificate] = []
    files = sorted(p for p in store.glob("*") if p.suffix.lower() in (".pem", ".pfx", ".p12")) \
        if store.is_dir() else []
    for candidate in files:
        try:
            cert = _load_certificate(str(candidate), password)
        except (AuthenticationError, BindingError) as exc:
            logger.debug("Skipping %s in the certificate store: %s", candidate, exc)
            continue
        if cert.not_after <= now:
            continue
        if wanted_thumb is not None and cert.thumbprint != wanted_thumb:
            continue
        if wanted_name is not None and wanted_name not in {
                cert.subject.lower(), (cert.common_name or "").lower(),
                f"cn={(cert.common_name or '').lower()}"}:
            continue
        matches.append(cert)
    if not matches:
        kind, value = ("thumbprint", thumbprint) if thumbprint else ("subject name", name)
        # The SDK's ErrorConstants.Message.CertificateNotFound, plus where we looked.
        raise AuthenticationError(f"Certificate with {kind} '{value}' was not found in "
                                  f"certificate store or has expired. (store: {store})")
    return max(matches, key=lambda c: c.not_after)


# --------------------------------------------------------------------------- connection

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


def _default_prompt(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _given(**values: Any) -> list[str]:
    return [name for name, value in values.items() if value not in (None, False, "")]


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
    if is_token_credential(client_secret):
        raise BindingError("client_secret got a credential object (it has get_token); pass it "
                           "as bridge.connect(credential=...).", parameter="ClientSecret",
                           expected="a secret string or a ClientSecretPair",
                           value=type(client_secret).__name__)
    if credential is not None and not is_token_credential(credential):
        raise BindingError("credential must follow azure-core's TokenCredential protocol "
                           "(a get_token(*scopes) method returning token and expires_on); got "
                           f"{type(credential).__name__}.", parameter="Credential",
                           expected="an object with get_token(*scopes)",
                           value=type(credential).__name__)
    methods = _given(client_secret=client_secret, credential=credential,
                     certificate=certificate_path or certificate_thumbprint or certificate_name,
                     access_token=access_token, use_device_code=use_device_code,
                     environment_variable=environment_variable, identity=identity)
    if len(methods) != 1:
        which = "none" if not methods else ", ".join(methods)
        raise ParameterSetError(
            "Choose exactly one sign-in method: client_secret, certificate_path/"
            "certificate_thumbprint/certificate_name, access_token, credential, "
            f"use_device_code, environment_variable or identity (given: {which}).",
            parameter="ParameterSet", expected="exactly one sign-in method")
    certificate_choices = _given(certificate_path=certificate_path,
                                 certificate_thumbprint=certificate_thumbprint,
                                 certificate_name=certificate_name)
    if len(certificate_choices) > 1:
        raise ParameterSetError("Use only one of certificate_path, certificate_thumbprint and "
                                f"certificate_name (given: {', '.join(certificate_choices)}).",
                                parameter="Certificate", expected="one certificate source")
    env = environment if isinstance(environment, GraphEnvironment) \
        else get_environment(environment or DEFAULT_ENVIRONMENT)
    if scope_value := (context_scope.value if isinstance(context_scope, ContextScope)
                       else context_scope):
        matched = [s for s in ContextScope if s.value.lower() == str(scope_value).lower()]
        if not matched:
            raise BindingError(f"ContextScope must be Process or CurrentUser, got {scope_value!r}.",
                               parameter="ContextScope", expected="Process or CurrentUser",
                               value=scope_value)
        chosen_scope: Optional[ContextScope] = matched[0]
    else:
        chosen_scope = None

    http = build_http_client(env.ssl_context(), timeout=timeout)
    secrets: list[str] = []
    try:
        if credential is not None:
            conn = credential_connection(credential, env, http, scopes=scopes,
                                         context_scope=chosen_scope)
        else:
            conn = _sign_in(env, http, secrets, client_id=client_id, tenant_id=tenant_id,
                            client_secret=client_secret, certificate_path=certificate_path,
                            certificate_password=certificate_password,
                            certificate_thumbprint=certificate_thumbprint,
                            certificate_name=certificate_name, access_token=access_token,
                            use_device_code=use_device_code, prompt=prompt or _default_prompt,
                            device_code_timeout=device_code_timeout,
                            environment_variable=environment_variable, identity=identity,
                            scopes=scopes, token_cache_path=token_cache_path,
                            context_scope=chosen_scope, timeout=timeout,
                            environ=os.environ if environ is None else environ)
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


def is_token_credential(value: object) -> bool:
    """True for an object with a callable ``get_token`` (a TokenCredential, sync or async)."""
    return not isinstance(value, (str, bytes)) and callable(getattr(value, "get_token", None))


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
    from ._credentials import (AsyncCredentialTokenProvider, CredentialTokenProvider,
                               is_async_credential)
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
        scopes=_scopes_from_claims(claims) or tuple(scopes),
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


def _sign_in(env: GraphEnvironment, http: httpx.Client, secrets: list[str], *,
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

    cache = _TokenCacheFile(token_cache_path)

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
            scopes=_scopes_from_claims(claims), auth_type=AuthType.USER_PROVIDED_ACCESS_TOKEN,
            token_credential_type=TokenCredentialType.USER_PROVIDED_ACCESS_TOKEN,
            account=claims.get("upn") or claims.get("preferred_username"),
            app_name=claims.get("app_displayname"),
            context_scope=context_scope or ContextScope.PROCESS, environment=env.name)
        return Connection(context, env, _StaticTokenProvider(access_token, float(exp)), http,
                          secrets=secrets)

    # ---- managed identity
    if identity:
        from ._managed_identity import ManagedIdentityTokenProvider

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
            tenant_id=claims.get("tid") or tenant_id, scopes=_scopes_from_claims(claims),
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
                client_id, **_msal_app_kwargs(env, tenant, http, cache, timeout))
            flow = app.initiate_device_flow(scopes=wanted)
            if "user_code" not in flow:
                raise AuthenticationError("Could not start the device code flow: "
                                          + _describe_msal_error(flow))
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
            raise AuthenticationError(_describe_msal_error(result))
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
            scopes=_scopes_from_claims(claims) or tuple(wanted), auth_type=AuthType.DELEGATED,
            token_credential_type=TokenCredentialType.DEVICE_CODE,
            account=account.get("username"), app_name=claims.get("app_displayname"),
            context_scope=context_scope or ContextScope.CURRENT_USER, environment=env.name)

        def forget_user() -> None:
            cache.clear_client(client_id or "")

        return Connection(context, env, _DeviceCodeProvider(app, wanted, cache, account), http,
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
            cert = _load_certificate(certificate_path, certificate_password)
        else:
            cert = _find_in_store(environ=environ, thumbprint=certificate_thumbprint,
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
            **_msal_app_kwargs(env, tenant_id, http, cache, timeout))
    provider = _ConfidentialClientProvider(app, scope_list, cache)
    token = provider.get_token()  # Connect-MgGraph signs in eagerly: fail here, not later
    claims = token_claims(token.token)
    context = Context(
        client_id=client_id, tenant_id=claims.get("tid") or tenant_id,
        scopes=_scopes_from_claims(claims), auth_type=AuthType.APP_ONLY,
        token_credential_type=credential_type, certificate_thumbprint=thumbprint,
        certificate_subject_name=subject, app_name=claims.get("app_displayname"),
        context_scope=context_scope or ContextScope.PROCESS, environment=env.name)

    def forget_app() -> None:
        cache.clear_client(client_id or "")

    return Connection(context, env, provider, http, secrets=secrets, on_close=forget_app)
