"""Headers on the wire, the debug log, redaction, the exception seam and module settings."""

from __future__ import annotations

import logging
import re
import socket
import time
from pathlib import Path
from typing import Any, Callable, Optional

import httpx
import pytest

from bridge._auth import connect
from bridge._connection import Connection
from bridge._context import AuthType, Context, TokenCredentialType
from bridge._tokens import AccessToken
from bridge._client import GraphClient, get_default_client
from bridge._environments import add_environment, get_environment, remove_environment
from bridge._exceptions import (AuthenticationError, BindingError, GraphError, NetworkError,
                                TimeoutError_, TransportError)
from bridge._redact import REDACTED, redact, register_secret
from bridge._request import GraphRequest, jobs_path
from bridge._exception_seam import map_exceptions, request_maybe_sent
from bridge._http_log import capture_http_debug
from bridge._response import graph_error_from_response, status_name
from bridge._settings import get_profile, get_request_context, select_profile, set_request_context
from bridge.emulator import Emulator

GUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


# ----------------------------------------------------------------------------- on the wire

def test_fresh_client_request_id_on_every_request(emu: Emulator, info: Any,
                                                  make_client: Callable[..., GraphClient],
                                                  job_request: GraphRequest) -> None:
    emu.set_faults([{"route": "jobs.create", "kind": "status", "status": 429, "count": 2,
                     "retry_after": 0}])
    client = make_client()
    client.create(job_request)
    client.send(GraphRequest("GET", jobs_path(info.application_id)))
    logged = emu.requests()
    assert len(logged) == 4
    ids = []
    for entry in logged:
        headers = {k.lower(): v for k, v in entry["headers"].items()}
        assert GUID.match(headers["client-request-id"])
        assert headers["authorization"] != "" and headers["accept"] == "application/json"
        ids.append(headers["client-request-id"])
    assert len(set(ids)) == 4


def test_graph_echoes_ids_in_the_response(emu: Emulator, info: Any,
                                          make_client: Callable[..., GraphClient]) -> None:
    response = make_client().send(GraphRequest("GET", jobs_path(info.application_id)))
    assert response.ok and GUID.match(response.request_id or "")
    assert response.headers["client-request-id"] == response.client_request_id


# ----------------------------------------------------------------------------- debug output

def test_debug_log_has_the_sdk_layout(emu: Emulator, make_client: Callable[..., GraphClient],
                                      job_request: GraphRequest) -> None:
    seen: list[str] = []
    with capture_http_debug(seen.append) as messages:
        make_client().create(job_request)
    assert messages == seen and len(messages) == 2
    request, response = messages
    assert request.startswith("============================ HTTP REQUEST "
                              "============================\n\nHTTP Method:\nPOST\n\n"
                              "Absolute Uri:\nhttps://127.0.0.1:")
    assert "\nHeaders:\n" in request and "\nBody:\n{\n  \"templateId\": \"AWSSingleSignon\"\n}" \
        in request
    assert re.search(r"^Authorization\s+: Bearer <redacted>$", request, re.M)
    assert re.search(r"^client-request-id\s+: [0-9a-f-]{36}$", request, re.M)
    assert response.startswith("============================ HTTP RESPONSE "
                               "============================\n\nStatus Code:\nCreated\n\n"
                               "Headers:\n")
    assert logging.getLogger("bridge.http").level == logging.NOTSET  # restored


def test_capture_only_collects_this_threads_messages(
        emu: Emulator, info: Any, make_client: Callable[..., GraphClient]) -> None:
    import threading

    client = make_client()
    other = threading.Thread(target=lambda: client.send(
        GraphRequest("GET", jobs_path(info.application_id))))
    with capture_http_debug() as messages:
        other.start()
        other.join()
    assert messages == []


def test_no_secret_in_logs_errors_or_reprs(emu: Emulator, info: Any, emu_env_name: str,
                                          caplog: pytest.LogCaptureFixture, tmp_path: Path,
                                          job_request: GraphRequest) -> None:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.x509.oid import NameOID
    import datetime as dt

    caplog.set_level(logging.DEBUG)
    texts: list[str] = []
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "redaction")])
    now = dt.datetime.now(dt.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
            .public_key(key.public_key()).serial_number(1)
            .not_valid_before(now - dt.timedelta(minutes=5))
            .not_valid_after(now + dt.timedelta(days=1)).sign(key, hashes.SHA256()))
    cert_client = emu.register_client(
        certificate_pem=cert.public_bytes(serialization.Encoding.PEM).decode(),
        roles=["Synchronization.ReadWrite.All"])
    pem = tmp_path / "c.pem"
    pem.write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                      serialization.PrivateFormat.PKCS8,
                                      serialization.NoEncryption())
                    + cert.public_bytes(serialization.Encoding.PEM))

    with capture_http_debug() as messages:
        secret_conn = connect(client_id=info.client_id, tenant_id=info.tenant_id,
                              client_secret=info.client_secret, environment=emu_env_name,
                              set_default=False)
        cert_conn = connect(client_id=cert_client, tenant_id=info.tenant_id,
                            certificate_path=str(pem), environment=emu_env_name,
                            set_default=False)
        readonly = connect(client_id=info.readonly_client_id, tenant_id=info.tenant_id,
                           client_secret=info.readonly_client_secret,
                           environment=emu_env_name, set_default=False)
        for conn in (secret_conn, cert_conn):
            client = GraphClient(conn, retry_delay=0.05)
            client.create(job_request)
            texts += [repr(client), repr(conn), str(conn.to_dict()), repr(conn.get_token())]
        with pytest.raises(GraphError) as forbidden:
            GraphClient(readonly, retry_delay=0.05).create(job_request)
        texts += [str(forbidden.value), repr(forbidden.value), str(forbidden.value.to_dict())]
        with pytest.raises(AuthenticationError) as refused:
            connect(client_id=info.client_id, tenant_id=info.tenant_id,
                    client_secret=info.client_secret + "x", environment=emu_env_name,
                    set_default=False)
        texts += [str(refused.value), repr(refused.value)]

    secrets = {
        "client secret": info.client_secret,
        "readonly secret": info.readonly_client_secret,
        "access token (secret)": secret_conn.get_token().token,
        "access token (certificate)": cert_conn.get_token().token,
        "access token (readonly)": readonly.get_token().token,
        # msal's own (cached) assertion callable: the very assertion it sent
        "client assertion": _assertion_of(cert_conn),
    }
    assert any("HTTP REQUEST" in m and "client_assertion=<redacted>" in m for m in messages)
    assert any("client_secret=<redacted>" in m for m in messages)
    assert any('"access_token": "<redacted>"' in m for m in messages)
    haystack = "\n".join(messages + texts + [r.getMessage() for r in caplog.records]
                         + [caplog.text])
    for what, value in secrets.items():
        assert value and value not in haystack, f"the {what} leaked"
    for conn in (secret_conn, cert_conn, readonly):
        conn.disconnect()


def _assertion_of(conn: Connection) -> str:
    app: Any = getattr(conn.token_provider, "_app")
    value = app.client.client_assertion()
    return value.decode() if isinstance(value, bytes) else str(value)


def test_redact_function() -> None:
    register_secret("plain-secret-value")
    jwt = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl"
    text = (f"Authorization: Bearer {jwt} body client_secret=plain-secret-value&x=1 "
            f'{{"refresh_token": "rt-value", "code": "Request_ResourceNotFound"}} {jwt}')
    out = redact(text)
    assert jwt not in out and "plain-secret-value" not in out and "rt-value" not in out
    assert "Request_ResourceNotFound" in out and out.count(REDACTED) >= 4
    assert redact(123) == "123"


# ----------------------------------------------------------------------------- the seam

class _Token:
    def __init__(self, token: str = "static-token-value") -> None:
        self.calls: list[bool] = []
        self._token = token

    def get_token(self, force_refresh: bool = False) -> AccessToken:
        self.calls.append(force_refresh)
        return AccessToken(self._token, time.time() + 3600)


def _fake_connection(endpoint: str = "https://graph.microsoft.com",
                     provider: Optional[_Token] = None) -> Connection:
    env = get_environment("Global") if endpoint == "https://graph.microsoft.com" else None
    if env is None:
        name = f"Fake-{abs(hash(endpoint))}"
        try:
            env = get_environment(name)
        except BindingError:
            env = add_environment(name, endpoint, endpoint)
    context = Context("cid", "tid", (), AuthType.APP_ONLY, TokenCredentialType.CLIENT_SECRET,
                      environment=env.name)
    http = httpx.Client(verify=env.ssl_context()) if endpoint != "https://graph.microsoft.com" \
        else httpx.Client(transport=httpx.MockTransport(lambda r: httpx.Response(500)))
    return Connection(context, env, provider or _Token(), http)


@pytest.mark.parametrize("exc,mapped,sent", [
    (httpx.ConnectError("refused"), NetworkError, False),
    (httpx.ConnectTimeout("slow"), TimeoutError_, False),
    (httpx.PoolTimeout("busy"), TimeoutError_, False),
    (httpx.ReadTimeout("slow"), TimeoutError_, True),
    (httpx.WriteTimeout("slow"), TimeoutError_, True),
    (httpx.ReadError("reset"), NetworkError, True),
    (httpx.WriteError("reset"), NetworkError, True),
    (httpx.RemoteProtocolError("closed"), NetworkError, True),
    (httpx.UnsupportedProtocol("ftp"), TransportError, False),
    (httpx.DecodingError("gzip"), TransportError, True),
])
def test_every_httpx_error_is_mapped(exc: Exception, mapped: type, sent: bool) -> None:
    with pytest.raises(mapped) as excinfo:
        with map_exceptions("GET x"):
            raise exc
    assert type(excinfo.value) is mapped and excinfo.value.__cause__ is exc
    assert request_maybe_sent(excinfo.value) is sent


def test_msal_errors_map_to_authentication_error() -> None:
    with pytest.raises(AuthenticationError) as excinfo:
        with map_exceptions("sign-in", auth=True):
            raise ValueError("invalid_instance: the authority is not whitelisted")
    assert isinstance(excinfo.value.__cause__, ValueError)
    with pytest.raises(ValueError):  # outside the auth seam a ValueError is a bug, not mapped
        with map_exceptions("GET x"):
            raise ValueError("bug")
    with pytest.raises(BindingError):  # bridge errors pass through
        with map_exceptions("x", auth=True):
            raise BindingError("bad")


def test_connect_errors_are_retried_then_raised() -> None:
    calls: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(request)
        raise httpx.ConnectError("refused", request=request)

    client = GraphClient(_fake_connection(), retry_delay=0, max_retry=2,
                         transport=httpx.MockTransport(handler))
    with pytest.raises(NetworkError, match="not sent"):
        client.create(GraphRequest("POST", jobs_path("app"), body={"templateId": "x"}))
    assert len(calls) == 3  # connect errors are safe to retry, even for a POST


def test_refused_connection_over_the_network(info: Any) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    conn = _fake_connection(f"https://127.0.0.1:{port}")
    client = GraphClient(conn, retry_delay=0, max_retry=1)
    with pytest.raises(NetworkError) as excinfo:
        client.send(GraphRequest("GET", jobs_path("app")))
    assert request_maybe_sent(excinfo.value) is False


def test_tls_failure_names_the_remedy(emu: Emulator, info: Any) -> None:
    name = f"Untrusted-{info.port}"
    add_environment(name, info.login_url, info.graph_url)
    try:
        with pytest.raises(NetworkError, match="TLS verification failed.*MGBRIDGE_CA_FILE"):
            connect(client_id=info.client_id, tenant_id=info.tenant_id,
                    client_secret=info.client_secret, environment=name)
    finally:
        remove_environment(name)


def test_401_refreshes_the_token_once() -> None:
    provider = _Token()
    answers = [httpx.Response(401, json={"error": {"code": "InvalidAuthenticationToken",
                                                   "message": "Access token has expired."}}),
               httpx.Response(201, json={"id": "j1", "templateId": "x"})]
    client = GraphClient(_fake_connection(provider=provider), retry_delay=0,
                         transport=httpx.MockTransport(lambda r: answers.pop(0)))
    job = client.create(GraphRequest("POST", jobs_path("app"), body={"templateId": "x"}))
    assert job["id"] == "j1" and provider.calls == [False, True]


def test_second_401_is_a_graph_error() -> None:
    client = GraphClient(_fake_connection(), retry_delay=0, transport=httpx.MockTransport(
        lambda r: httpx.Response(401, json={"error": {"code": "InvalidAuthenticationToken",
                                                      "message": "nope"}})))
    with pytest.raises(GraphError) as excinfo:
        client.send(GraphRequest("GET", "/x"))
    assert excinfo.value.status == 401


@pytest.mark.parametrize("body,code,message", [
    ('{"error":{"code":"Request_BadRequest","message":"Bad","innerError":'
     '{"date":"2024-01-01T00:00:00","request-id":"r1","client-request-id":"c1"}}}',
     "Request_BadRequest", "Bad"),
    ("<html><body>Bad Gateway</body></html>", "BadGateway",
     "<html><body>Bad Gateway</body></html>"),
    ("", "BadGateway", "Bad Gateway"),
    ('{"error":"invalid_grant","error_description":"AADSTS70000: expired"}', "invalid_grant",
     "AADSTS70000: expired"),
    ('{"unexpected": true}', "BadGateway", "Bad Gateway"),
])
def test_graph_error_parsing(body: str, code: str, message: str) -> None:
    error = graph_error_from_response(502, {"request-id": "hdr-r", "Date": "d"}, body, "sent-c")
    assert (error.code, error.message) == (code, message)
    if "innerError" in body:
        assert (error.request_id, error.client_request_id, error.date) == \
            ("r1", "c1", "2024-01-01T00:00:00")
    else:
        assert (error.request_id, error.client_request_id, error.date) == ("hdr-r", "sent-c", "d")


def test_status_names_follow_dotnet() -> None:
    assert [status_name(s) for s in (200, 201, 400, 404, 429, 503, 504, 599)] == \
        ["OK", "Created", "BadRequest", "NotFound", "TooManyRequests", "ServiceUnavailable",
         "GatewayTimeout", "599"]


# ----------------------------------------------------------------------------- settings

def test_request_context_and_profile(conn: Connection, emu: Emulator, info: Any,
                                     job_request: GraphRequest) -> None:
    assert get_request_context().to_dict() == {"ClientTimeout": 300.0, "RetryDelay": 3.0,
                                               "MaxRetry": 3, "RetriesTimeLimit": 180.0}
    updated = set_request_context(max_retry=1, retry_delay=0.05, client_timeout=20)
    assert (updated.max_retry, updated.retry_delay, updated.max_retry_time,
            updated.client_timeout) == (1, 0.05, 180.0, 20)
    assert get_profile() == "v1.0"
    assert select_profile("BETA") == "beta" and get_profile() == "beta"
    with pytest.raises(BindingError):
        select_profile("v2.0")
    client = get_default_client()
    assert client is get_default_client()  # cached while nothing changes
    assert (client.connection, client.api_version, client.policy.max_retry, client.timeout) == \
        (conn, "beta", 1, 20)
    assert client.endpoint == info.graph_url
    client.create(job_request)
    assert emu.requests()[-1]["path"].startswith("/beta/applications/")
    set_request_context(max_retry=2)
    assert get_default_client().policy.max_retry == 2


def test_read_timeout_on_a_get_is_retried(emu: Emulator, info: Any,
                                          make_client: Callable[..., GraphClient]) -> None:
    emu.set_faults([{"route": "jobs.list", "kind": "latency", "seconds": 0.6}])
    client = make_client(timeout=0.3)
    response = client.send(GraphRequest("GET", jobs_path(info.application_id)))
    assert response.ok and emu.counters()["routes"]["jobs.list"] == 2


def test_read_timeout_on_create_finds_the_job(emu: Emulator, info: Any,
                                              make_client: Callable[..., GraphClient],
                                              job_request: GraphRequest) -> None:
    emu.set_faults([{"route": "jobs.create", "kind": "latency", "seconds": 0.5}])
    client = make_client(timeout=0.3, retry_delay=0.5)
    job = client.create(job_request)
    assert len(emu.jobs(info.application_id)) == 1 and job["id"]
    assert emu.counters()["routes"]["jobs.create"] == 1


def test_module_reprs_hold_no_token(conn: Connection) -> None:
    token = conn.get_token()
    assert token.token not in repr(token) + repr(conn) + repr(GraphClient(conn))
    assert "<redacted>" in repr(token)
