"""The SDK's runtime parameters of one call: proxy settings and HTTP pipeline steps.

Microsoft's generated cmdlet has, hidden (``DontShow``) in every parameter set,
``-Proxy``, ``-ProxyCredential``, ``-ProxyUseDefaultCredentials``,
``-HttpPipelineAppend``, ``-HttpPipelinePrepend`` and ``-Break``. They carry no
data of the request; :func:`call_options` reads them into a :class:`CallOptions`
that says how to send it:

- ``Proxy`` (an absolute ``http://`` or ``https://`` URI): the Graph request goes
  through that proxy (``CONNECT`` for Graph's https), with ``ProxyCredential``
  (user name and password) as Basic proxy authentication, or the user info of
  the URI itself.
- ``ProxyUseDefaultCredentials``: the environment's proxy settings
  (``HTTPS_PROXY``/``HTTP_PROXY``/``ALL_PROXY``, ``NO_PROXY``; the shim sends the
  PowerShell session's current values), whose URI's user info is this
  environment's default proxy credential. With ``Proxy`` as well, that address
  is used with the environment's credential. Not with ``ProxyCredential``.
- ``HttpPipelineAppend``/``HttpPipelinePrepend``: .NET ``SendAsyncStep``
  delegates cannot run in the core's HTTP pipeline, so a non-empty value is a
  :class:`~bridge.BindingError` naming the parameter, and nothing is sent.
- ``Break`` is the shim's (it waits for a .NET debugger before the call).

Only the Graph request uses the proxy; token requests go as the connection
sends them (as the SDK's MSAL client does). The password is registered with
:mod:`bridge._redact`, so no log line or error message can show it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Callable, Mapping, Optional, Union
from urllib.parse import unquote, urlsplit

from ._exceptions import BindingError
from ._redact import register_secret

if TYPE_CHECKING:
    import httpx

__all__ = ["CallOptions", "ProxyCredential", "ProxySettings", "call_options",
           "PROXY_ENVIRONMENT_VARIABLES"]

#: The variables ``ProxyUseDefaultCredentials`` reads (either case, as curl and .NET do).
PROXY_ENVIRONMENT_VARIABLES = ("HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy",
                               "ALL_PROXY", "all_proxy", "NO_PROXY", "no_proxy")


@dataclass(frozen=True)
class ProxyCredential:
    """A proxy user name and password (the password never shows in repr)."""

    user_name: str
    password: str = field(repr=False)

    def __repr__(self) -> str:
        return f"ProxyCredential(user_name={self.user_name!r}, password=***)"


@dataclass(frozen=True)
class ProxySettings:
    """Where the Graph request goes: a proxy URL (no user info) and its credential."""

    url: str
    credential: Optional[ProxyCredential] = None

    def to_httpx(self) -> "httpx.Proxy":
        import httpx
        auth = (self.credential.user_name, self.credential.password) if self.credential else None
        return httpx.Proxy(self.url, auth=auth)

    def __repr__(self) -> str:
        who = f", user_name={self.credential.user_name!r}" if self.credential else ""
        return f"ProxySettings(url={self.url!r}{who})"


@dataclass(frozen=True)
class CallOptions:
    """How one call is sent: through ``proxy``, or ``direct`` (ignoring the environment's proxy)."""

    proxy: Optional[ProxySettings] = None
    direct: bool = False
    warnings: tuple[str, ...] = ()

    @property
    def custom(self) -> bool:
        """True when the call needs its own HTTP client (not the connection's)."""
        return self.proxy is not None or self.direct


def _given(parameters: Mapping[str, Any], name: str) -> Any:
    for key, value in parameters.items():
        if isinstance(key, str) and key.casefold() == name.casefold():
            return value
    return None


def _switch(value: Any, name: str) -> bool:
    if value is None:
        return False
    if isinstance(value, bool):
        return value
    raise BindingError(f"-{name} is a switch: give it alone or as -{name}:$true/$false.",
                       parameter=name, expected="$true or $false")


def _check_pipeline(value: Any, name: str) -> None:
    if value is None or (isinstance(value, (list, tuple)) and len(value) == 0):
        return
    raise BindingError(
        f"-{name}: MgBridge sends the request from its Python core (bridge), whose HTTP "
        "pipeline (authentication, retries, -Debug logging) cannot run .NET SendAsyncStep "
        f"script blocks or delegates, so nothing was sent. Remove -{name}; to see the request "
        "and the response, use -Debug.", parameter=name, expected=f"a call without -{name}")


def _credential(value: Any) -> Optional[ProxyCredential]:
    if value is None:
        return None
    if isinstance(value, ProxyCredential):
        cred = value
    elif isinstance(value, (tuple, list)) and len(value) == 2 and all(isinstance(v, str) for v in value):
        cred = ProxyCredential(value[0], value[1])
    elif isinstance(value, Mapping) and isinstance(_given(value, "UserName"), str) \
            and isinstance(_given(value, "Password"), str):
        cred = ProxyCredential(_given(value, "UserName"), _given(value, "Password"))
    else:
        raise BindingError("-ProxyCredential: expected a PSCredential (Get-Credential), or in "
                           "Python a (user name, password) pair.", parameter="ProxyCredential",
                           expected="a PSCredential")
    if not cred.user_name:
        raise BindingError("-ProxyCredential: the credential has no user name.",
                           parameter="ProxyCredential", expected="a PSCredential with a user name")
    register_secret(cred.password)
    return cred


def _proxy_url(value: Any, name: str) -> tuple[str, Optional[ProxyCredential]]:
    """An absolute http(s) proxy URI -> (URL without user info, credential in it)."""
    text = value if isinstance(value, str) else None
    parts = urlsplit(text) if text else None
    if parts is None or parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise BindingError(
            f"-{name}: expected the absolute URI of an HTTP proxy, such as "
            "'http://proxy.contoso.com:8080', got "
            + (repr(_without_userinfo(text)) if text else f"a {type(value).__name__}") + ".",
            parameter=name, expected="an http:// or https:// URI")
    try:
        port = parts.port
    except ValueError:
        raise BindingError(f"-{name}: the proxy URI has an invalid port.", parameter=name,
                           expected="an http:// or https:// URI") from None
    host = parts.hostname if ":" not in parts.hostname else f"[{parts.hostname}]"
    url = f"{parts.scheme.lower()}://{host}" + (f":{port}" if port else "")
    cred = None
    if parts.username:
        cred = ProxyCredential(unquote(parts.username), unquote(parts.password or ""))
        register_secret(cred.password)
    return url, cred


def _without_userinfo(text: str) -> str:
    parts = urlsplit(text)
    if parts.username is None:
        return text
    return text.replace(parts.netloc, parts.netloc.rsplit("@", 1)[-1], 1)


def _environment_proxy(environ: Mapping[str, str], target: str) -> Optional[str]:
    """The environment's proxy for ``target`` (an https URL), or None (none, or NO_PROXY)."""
    lowered = {k.lower(): v for k, v in environ.items() if v}
    scheme = urlsplit(target).scheme.lower()
    proxy = lowered.get(f"{scheme}_proxy") or lowered.get("all_proxy")
    if not proxy:
        return None
    host = (urlsplit(target).hostname or "").lower()
    if _bypassed(host, lowered.get("no_proxy", "")):
        return None
    return proxy


def _bypassed(host: str, no_proxy: str) -> bool:
    # curl's NO_PROXY rules: '*', or a host name equal to an entry or below it (a leading
    # dot is optional), ports ignored.
    for entry in (e.strip().lower() for e in no_proxy.split(",")):
        if not entry:
            continue
        if entry == "*":
            return True
        name = entry.lstrip(".").rsplit(":", 1)[0] if not entry.startswith("[") else entry
        if host == name or host.endswith("." + name):
            return True
    return False


def call_options(parameters: Mapping[str, Any], *,
                 target: Union[str, Callable[[], str]] = "https://graph.microsoft.com",
                 environ: Optional[Mapping[str, str]] = None) -> CallOptions:
    """Read the runtime parameters of a call.

    Parameters:
        parameters: the call's parameters (PowerShell names, case-insensitive).
        target: the Graph endpoint the request goes to (for the environment's proxy
            choice), or a function giving it (called only when it is needed).
        environ: the proxy variables to use for ``ProxyUseDefaultCredentials``
            (default: this process's environment).

    Raises:
        BindingError: a pipeline step was given, or the proxy parameters are invalid
            or contradict each other; nothing was sent.
    """
    for name in ("HttpPipelinePrepend", "HttpPipelineAppend"):
        _check_pipeline(_given(parameters, name), name)
    _switch(_given(parameters, "Break"), "Break")
    use_default = _switch(_given(parameters, "ProxyUseDefaultCredentials"),
                          "ProxyUseDefaultCredentials")
    credential = _credential(_given(parameters, "ProxyCredential"))
    proxy_value = _given(parameters, "Proxy")
    if credential is not None and use_default:
        raise BindingError("-ProxyCredential and -ProxyUseDefaultCredentials cannot be used "
                           "together: give the proxy's credential, or use the environment's.",
                           parameter="ProxyCredential", expected="one of the two")
    if proxy_value is None and not use_default:
        if credential is not None:
            raise BindingError("-ProxyCredential needs -Proxy: give the proxy's URI as well "
                               "(for example -Proxy 'http://proxy.contoso.com:8080').",
                               parameter="ProxyCredential", expected="-Proxy with it")
        return CallOptions()
    if use_default:
        import os
        env = dict(os.environ if environ is None else environ)
        target = target() if callable(target) else target
        from_env = _environment_proxy(env, target)
        env_url, env_cred = _proxy_url(from_env, "ProxyUseDefaultCredentials") if from_env \
            else (None, None)
        if proxy_value is not None:
            url, inline = _proxy_url(proxy_value, "Proxy")
            return CallOptions(ProxySettings(url, inline or env_cred))
        if env_url is None:
            return CallOptions(direct=True, warnings=(
                "-ProxyUseDefaultCredentials: no proxy is set in this environment for "
                f"{target} (HTTPS_PROXY, ALL_PROXY, or NO_PROXY excludes it), so the request "
                "goes directly.",))
        return CallOptions(ProxySettings(env_url, env_cred))
    url, inline = _proxy_url(proxy_value, "Proxy")
    return CallOptions(ProxySettings(url, credential or inline))

