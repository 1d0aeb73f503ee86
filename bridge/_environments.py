"""National clouds and user-defined environments, as Get-/Add-/Remove-MgEnvironment.

The built-in environments are the four that ``Get-MgEnvironment`` lists::

    Name      AzureADEndpoint                   GraphEndpoint                            Type
    China     https://login.chinacloudapi.cn    https://microsoftgraph.chinacloudapi.cn  Built-in
    Global    https://login.microsoftonline.com https://graph.microsoft.com              Built-in
    USGov     https://login.microsoftonline.us  https://graph.microsoft.us               Built-in
    USGovDoD  https://login.microsoftonline.us  https://dod-graph.microsoft.us           Built-in

(Newer SDK releases also list BleuCloud, DelosCloud and GovSGCloud; they are
not built in here and can be added with :func:`add_environment`.)

A user-defined environment may carry ``ca_file``: a PEM bundle of extra CAs to
trust for both its login and Graph endpoints. That, or the ``MGBRIDGE_CA_FILE``
environment variable (one extra CA bundle trusted for every environment), is
the documented way to trust a private CA such as the local Graph emulator's.
TLS verification is never turned off; the extra CAs are added to the system
trust store, and ``SSL_CERT_FILE`` / ``REQUESTS_CA_BUNDLE`` cannot replace them
(the bridge builds its own :class:`ssl.SSLContext` and hands it to httpx).

Environment names are case-insensitive, like the SDK's dictionary.

Usage::

    from bridge._environments import add_environment, get_environment

    env = add_environment("Emulator", "https://127.0.0.1:8443",
                          "https://127.0.0.1:8443", ca_file="ca.pem")
    env.authority("contoso")           # 'https://127.0.0.1:8443/contoso'
    get_environment("global").scope    # 'https://graph.microsoft.com/.default'
"""

from __future__ import annotations

import functools
import os
import ssl
import threading
from dataclasses import dataclass
from typing import Any, Optional, Union, overload
from urllib.parse import urlsplit

from ._exceptions import BindingError
from ._request import API_VERSIONS, graph_url, jobs_path

__all__ = ["GraphEnvironment", "get_environment", "add_environment", "remove_environment",
           "extra_ca_files", "build_ssl_context", "CA_FILE_ENV_VAR",
           "BUILT_IN", "USER_DEFINED", "DEFAULT_ENVIRONMENT"]

CA_FILE_ENV_VAR = "MGBRIDGE_CA_FILE"
BUILT_IN = "Built-in"
USER_DEFINED = "User-defined"


@dataclass(frozen=True)
class GraphEnvironment:
    """One cloud: where to sign in and where Graph lives.

    Usage::

        >>> env = get_environment("USGov")
        >>> env.jobs_url("0000-app", "beta")
        'https://graph.microsoft.us/beta/applications/0000-app/synchronization/jobs'

    Parameters:
        name: the environment name (``"Global"``).
        azure_ad_endpoint: the login base URL, no tenant (``https://login.microsoftonline.com``).
        graph_endpoint: the Graph service root, no version (``https://graph.microsoft.com``).
        type: ``"Built-in"`` or ``"User-defined"``.
        ca_file: a PEM file of extra CAs to trust for this environment, or None.
    """

    name: str
    azure_ad_endpoint: str
    graph_endpoint: str
    type: str = USER_DEFINED
    ca_file: Optional[str] = None

    @property
    def is_built_in(self) -> bool:
        """True for the national clouds shipped with the SDK."""
        return self.type == BUILT_IN

    def authority(self, tenant_id: str) -> str:
        """The msal authority URL: ``{AzureADEndpoint}/{tenant}``."""
        tenant = tenant_id.strip("/")
        if not tenant or "/" in tenant:
            raise BindingError(f"Invalid tenant id {tenant_id!r}.", parameter="TenantId",
                               expected="a tenant GUID or domain name", value=tenant_id)
        return f"{self.azure_ad_endpoint}/{tenant}"

    @property
    def scope(self) -> str:
        """The app-only scope: ``{GraphEndpoint}/.default``."""
        return f"{self.graph_endpoint}/.default"

    @property
    def resource(self) -> str:
        """The resource URI managed identity endpoints expect (the Graph endpoint)."""
        return self.graph_endpoint

    def qualify_scope(self, scope: str) -> str:
        """Prefix a bare delegated scope (``User.Read``) with the Graph endpoint."""
        return scope if "://" in scope else f"{self.graph_endpoint}/{scope.lstrip('/')}"

    def url(self, path: str, api_version: str = "v1.0") -> str:
        """``{GraphEndpoint}/{version}{path}``; path starts with ``/``."""
        _check_api_version(api_version)
        return graph_url(self.graph_endpoint, api_version, path)

    def jobs_url(self, application_id: str, api_version: str = "v1.0") -> str:
        """The synchronization jobs collection of an application."""
        return self.url(jobs_path(application_id), api_version)

    def ca_files(self) -> tuple[str, ...]:
        """The extra CA bundles trusted for this environment (its own, then the env var's)."""
        files = [self.ca_file] if self.ca_file else []
        files.extend(extra_ca_files())
        return tuple(dict.fromkeys(files))

    def ssl_context(self) -> ssl.SSLContext:
        """A verifying SSL context: the system trust store plus :meth:`ca_files`."""
        return build_ssl_context(self.ca_files())

    def to_dict(self) -> dict[str, Any]:
        """What ``Get-MgEnvironment`` shows (plus ``CaFile`` when set)."""
        data: dict[str, Any] = {"Name": self.name, "AzureADEndpoint": self.azure_ad_endpoint,
                                "GraphEndpoint": self.graph_endpoint, "Type": self.type}
        if self.ca_file:
            data["CaFile"] = self.ca_file
        return data


def _check_api_version(api_version: str) -> None:
    if api_version not in API_VERSIONS:
        raise BindingError(f"Unknown API version {api_version!r}; use one of "
                           f"{', '.join(API_VERSIONS)}.",
                           parameter="ApiVersion", expected=" or ".join(API_VERSIONS),
                           value=api_version)


def extra_ca_files() -> tuple[str, ...]:
    """The CA bundle named by ``MGBRIDGE_CA_FILE``, if set (checked to exist)."""
    value = os.environ.get(CA_FILE_ENV_VAR, "").strip()
    if not value:
        return ()
    if not os.path.isfile(value):
        raise BindingError(f"{CA_FILE_ENV_VAR} names {value!r}, which is not a file.",
                           parameter=CA_FILE_ENV_VAR, expected="a PEM CA bundle", value=value)
    return (value,)


def build_ssl_context(ca_files: tuple[str, ...] = ()) -> ssl.SSLContext:
    """A client SSL context that verifies peers and host names.

    It starts from the platform's default trust (``ssl.create_default_context``)
    and adds each PEM bundle in ``ca_files``. Verification cannot be disabled
    through this function.

    One context is kept per set of bundles (while their files are unchanged) and
    shared by every client of the process: loading the platform's trust store costs
    ~100 ms here, and Add-MgEnvironment, the sign-in and the Graph client all ask.
    """
    stamps = []
    for path in ca_files:
        try:
            info = os.stat(path)
            stamps.append((path, info.st_mtime_ns, info.st_size))
        except OSError:
            stamps.append((path, 0, 0))  # _new_ssl_context reports it
    with _ssl_lock:  # one build per set of bundles, even when two threads ask at once
        return _new_ssl_context(tuple(stamps))


_ssl_lock = threading.Lock()


@functools.lru_cache(maxsize=16)
def _new_ssl_context(stamps: tuple[tuple[str, int, int], ...]) -> ssl.SSLContext:
    ca_files = [path for path, _, _ in stamps]
    context = ssl.create_default_context(ssl.Purpose.SERVER_AUTH)
    for path in ca_files:
        _load_ca_file(context, path)
    return context


def _load_ca_file(context: ssl.SSLContext, path: str) -> None:
    try:
        context.load_verify_locations(cafile=path)
    except (OSError, ssl.SSLError) as exc:
        raise BindingError(f"Cannot load the CA bundle {path!r}: {exc}", parameter="CaFile",
                           expected="a readable PEM CA bundle", value=path) from exc


def _normalise_endpoint(value: str, parameter: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise BindingError(f"{parameter} cannot be null or empty.", parameter=parameter,
                           expected="an https URL", value=value)
    url = value.strip().rstrip("/")
    parts = urlsplit(url)
    if parts.scheme.lower() != "https" or not parts.hostname:
        # msal accepts only https authorities, and bearer tokens never go over plain http.
        raise BindingError(f"{parameter} must be an absolute https URL, got {value!r}.",
                           parameter=parameter, expected="an https URL", value=value)
    if parts.query or parts.fragment:
        raise BindingError(f"{parameter} cannot have a query or fragment: {value!r}.",
                           parameter=parameter, expected="an https URL", value=value)
    return url


_BUILT_INS = (
    GraphEnvironment("China", "https://login.chinacloudapi.cn",
                     "https://microsoftgraph.chinacloudapi.cn", BUILT_IN),
    GraphEnvironment("Global", "https://login.microsoftonline.com",
                     "https://graph.microsoft.com", BUILT_IN),
    GraphEnvironment("USGov", "https://login.microsoftonline.us",
                     "https://graph.microsoft.us", BUILT_IN),
    GraphEnvironment("USGovDoD", "https://login.microsoftonline.us",
                     "https://dod-graph.microsoft.us", BUILT_IN),
)

_lock = threading.Lock()
_environments: dict[str, GraphEnvironment] = {env.name.lower(): env for env in _BUILT_INS}


@overload
def get_environment(name: None = None) -> list[GraphEnvironment]: ...
@overload
def get_environment(name: str) -> GraphEnvironment: ...


def get_environment(name: Optional[str] = None) -> Union[GraphEnvironment, list[GraphEnvironment]]:
    """Like ``Get-MgEnvironment``: all environments sorted by name, or one by name.

    Raises:
        BindingError: no environment has that name.
    """
    with _lock:
        if name is None:
            return sorted(_environments.values(), key=lambda env: env.name.lower())
        env = _environments.get(name.strip().lower()) if isinstance(name, str) else None
        known = ", ".join(sorted(e.name for e in _environments.values()))
    if env is None:
        raise BindingError(f"The environment {name!r} does not exist. Known environments: {known}.",
                           parameter="Environment", expected=f"one of {known}", value=name)
    return env


def add_environment(name: str, azure_ad_endpoint: str, graph_endpoint: str, *,
                    ca_file: Optional[str] = None) -> GraphEnvironment:
    """Like ``Add-MgEnvironment``: register a user-defined environment.

    Parameters:
        name: the new name; built-in names (any case) are refused.
        azure_ad_endpoint: the login base URL (https, no tenant).
        graph_endpoint: the Graph service root (https, no version).
        ca_file: optional PEM bundle of extra CAs to trust for this environment.

    Raises:
        BindingError: a built-in name, an existing user-defined name (remove it
            first), a non-https URL, or an unreadable ``ca_file``.
    """
    if not isinstance(name, str) or not name.strip():
        raise BindingError("Name cannot be null or empty.", parameter="Name",
                           expected="a non-empty name", value=name)
    clean_name = name.strip()
    login = _normalise_endpoint(azure_ad_endpoint, "AzureADEndpoint")
    graph = _normalise_endpoint(graph_endpoint, "GraphEndpoint")
    if ca_file is not None:
        ca_file = os.path.abspath(os.path.expanduser(ca_file))
        _check_ca_file(ca_file)  # fail now, not at the first request
    env = GraphEnvironment(clean_name, login, graph, USER_DEFINED, ca_file)
    with _lock:
        existing = _environments.get(clean_name.lower())
        if existing is not None:
            if existing.is_built_in:
                raise BindingError(f"Cannot overwrite the built-in environment {existing.name!r}.",
                                   parameter="Name", expected="a name that is not built in",
                                   value=name)
            raise BindingError(f"The environment {existing.name!r} already exists; "
                               "remove it first.", parameter="Name",
                               expected="a new environment name", value=name)
        _environments[clean_name.lower()] = env
    if ca_file is not None:
        # The sign-in that usually follows needs the full context (~100 ms to load the
        # platform's trust): build it meanwhile, on a thread of its own.
        threading.Thread(target=_warm_ssl_context, args=(env,), daemon=True,
                         name="mgbridge-ssl-warm-up").start()
    return env


def _warm_ssl_context(env: GraphEnvironment) -> None:
    try:
        env.ssl_context()
    except BindingError:
        pass  # the first request reports it


def _check_ca_file(path: str) -> None:
    """Refuse a CA bundle that cannot be loaded (a bare context: no platform trust to load)."""
    _load_ca_file(ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT), path)


def remove_environment(name: str) -> GraphEnvironment:
    """Like ``Remove-MgEnvironment``: forget a user-defined environment and return it.

    Raises:
        BindingError: the name is unknown or built in.
    """
    env = get_environment(name)
    if env.is_built_in:
        raise BindingError(f"Cannot remove the built-in environment {env.name!r}.",
                           parameter="Name", expected="a user-defined environment", value=name)
    with _lock:
        _environments.pop(env.name.lower(), None)
    return env


DEFAULT_ENVIRONMENT = "Global"
