"""The httpx clients: Graph's pooled client (its TLS, proxy, limits, User-Agent) and msal's.

Everything that sends over httpx builds its client here: :func:`build_http_client`
for a connection (or one call through a proxy), :func:`http_client_options` for
``bridge.aio``'s ``httpx.AsyncClient``, and :class:`MsalHttpClient`, msal's
``http_client`` on the connection's pool.
"""

from __future__ import annotations

import ssl
from typing import Any, Mapping, Optional, Union

import httpx

from ._http_log import auth_logger, log_exchange
from ._version import __version__

__all__ = ["MsalHttpClient", "build_http_client", "http_client_options", "USER_AGENT"]

USER_AGENT = (f"mgbridge/{__version__} (New-MgApplicationSynchronizationJob) python-httpx/"
              + httpx.__version__)

def build_http_client(ssl_context: ssl.SSLContext, *, timeout: float,
                      transport: Optional[httpx.BaseTransport] = None,
                      proxy: Optional[httpx.Proxy] = None, trust_env: bool = True) -> httpx.Client:
    """The pooled httpx client of one connection (or of one call through ``proxy``).

    TLS trust is the given context (system store plus the environment's extra
    CAs); ``trust_env`` stays on for proxy variables unless the call says
    otherwise, and because ``verify`` is an explicit SSLContext, ``SSL_CERT_FILE``
    cannot replace it. An explicit ``proxy`` takes https requests through
    ``CONNECT`` (and authenticates with its credential).
    """
    options = http_client_options(ssl_context, timeout)
    if proxy is not None or not trust_env:
        options.update(trust_env=False, proxies=proxy)
    return httpx.Client(transport=transport, **options)


def http_client_options(ssl_context: ssl.SSLContext, timeout: float) -> dict[str, Any]:
    """The settings of every Graph HTTP client, sync (above) or async (``bridge.aio``)."""
    return {"verify": ssl_context, "timeout": httpx.Timeout(timeout), "follow_redirects": False,
            "trust_env": True, "headers": {"User-Agent": USER_AGENT},
            "limits": httpx.Limits(max_connections=20, max_keepalive_connections=10)}


class MsalHttpClient:
    """msal's ``http_client``: the connection's httpx client behind msal's small interface.

    msal only calls ``post(url, params=, data=, headers=, **kwargs)`` and
    ``get(url, params=, headers=, **kwargs)`` and reads ``status_code``,
    ``text``, ``headers`` and ``raise_for_status()`` of the result, all of which
    :class:`httpx.Response` has. Sharing the connection's client gives msal
    the same TLS trust as Graph calls, unaffected by ``REQUESTS_CA_BUNDLE``.

    Usage::

        app = msal.ConfidentialClientApplication(
            client_id, client_credential=secret, authority=authority,
            http_client=MsalHttpClient(httpx_client))

    Parameters:
        client: the pooled httpx client.
        timeout: seconds for each identity-provider request.
    """

    def __init__(self, client: httpx.Client, timeout: float = 100.0) -> None:
        self._client = client
        self._timeout = timeout

    def _request(self, method: str, url: str, params: Any, data: Any,
                 headers: Optional[Mapping[str, Any]], kwargs: Mapping[str, Any]) -> httpx.Response:
        clean_headers = {k: str(v) for k, v in (headers or {}).items() if v is not None}
        timeout = kwargs.get("timeout", self._timeout)
        content: Union[str, bytes, None] = None
        form: Optional[Mapping[str, Any]] = None
        if isinstance(data, (str, bytes)):
            content = data
        elif data is not None:
            # msal puts bytes in forms (the client assertion); httpx would str() them.
            form = {k: (v.decode("utf-8") if isinstance(v, bytes) else v)
                    for k, v in dict(data).items() if v is not None}
        request = self._client.build_request(method, url, params=params, data=form,
                                             content=content, headers=clean_headers,
                                             timeout=timeout)
        response: Optional[httpx.Response] = None
        try:
            response = self._client.send(request)
            return response
        finally:
            log_exchange(auth_logger, request, response)

    def post(self, url: str, params: Any = None, data: Any = None,
             headers: Optional[Mapping[str, Any]] = None, **kwargs: Any) -> httpx.Response:
        """HTTP POST, as msal's ``HttpClient.post``."""
        return self._request("POST", url, params, data, headers, kwargs)

    def get(self, url: str, params: Any = None, headers: Optional[Mapping[str, Any]] = None,
            **kwargs: Any) -> httpx.Response:
        """HTTP GET, as msal's ``HttpClient.get``."""
        return self._request("GET", url, params, None, headers, kwargs)

    def close(self) -> None:
        """Nothing to do: the connection owns and closes the httpx client."""

    def __repr__(self) -> str:
        return f"<MsalHttpClient timeout={self._timeout}>"
