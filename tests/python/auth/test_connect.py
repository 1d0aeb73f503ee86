"""Every Connect-MgGraph sign-in, performed by msal against the emulator over TLS."""

from __future__ import annotations

import json
import os
import re
import stat
import threading
import time
from pathlib import Path
from typing import Any

import pytest

import bridge._sign_in as sign_in_module
from bridge._auth import connect, disconnect, get_context
from bridge._certificates import CERT_STORE_ENV_VAR, cert_store_path
from bridge._connection import Connection
from bridge._context import AuthType, ContextScope, TokenCredentialType
from bridge._sign_in import ClientSecretPair
from bridge._tokens import AccessToken, TokenProvider
from bridge._caller import powershell_caller
from bridge._client import GraphClient, get_default_client
from bridge._environments import add_environment, remove_environment
from bridge._exceptions import (AuthenticationError, BindingError, NetworkError,
                                ParameterSetError)
from bridge._request import GraphRequest, jobs_path
from bridge.emulator import Emulator

CertFactory = Any  # the ``certs`` fixture's type, defined in this folder's conftest.py

SYSTEM_BUNDLE = "/etc/ssl/certs/ca-certificates.crt"


def _create(conn: Connection, info: Any) -> dict[str, Any]:
    client = GraphClient(conn, retry_delay=0.05)
    return client.create(GraphRequest("POST", jobs_path(info.application_id),
                                      body={"templateId": "AWSSingleSignon"}))


def _secret_kwargs(info: Any, env: str) -> dict[str, Any]:
    return {"client_id": info.client_id, "tenant_id": info.tenant_id,
            "client_secret": info.client_secret, "environment": env}


# ----------------------------------------------------------------------------- client secret

def test_client_secret(emu: Emulator, info: Any, emu_env_name: str) -> None:
    conn = connect(**_secret_kwargs(info, emu_env_name))
    ctx = conn.context
    assert get_context() is ctx
    assert ctx.auth_type is AuthType.APP_ONLY
    assert ctx.token_credential_type is TokenCredentialType.CLIENT_SECRET
    assert ctx.context_scope is ContextScope.PROCESS
    assert (ctx.client_id, ctx.tenant_id, ctx.environment) == \
        (info.client_id, info.tenant_id, emu_env_name)
    assert "Synchronization.ReadWrite.All" in ctx.scopes
    data = conn.to_dict()
    assert data["AuthType"] == "AppOnly" and data["TokenCredentialType"] == "ClientSecret"
    assert info.client_secret not in repr(conn) + repr(ctx) + str(data)
    token = conn.get_token()
    assert isinstance(conn.token_provider, TokenProvider)
    assert token.token not in repr(token) and token.expires_on > time.time() + 600
    job = _create(conn, info)
    assert job["templateId"] == "AWSSingleSignon"


def test_client_secret_credential_object(emu: Emulator, info: Any, emu_env_name: str) -> None:
    credential = ClientSecretPair(info.client_id, info.client_secret)
    assert info.client_secret not in repr(credential)
    conn = connect(tenant_id=info.tenant_id, client_secret=credential, environment=emu_env_name)
    assert conn.context.client_id == info.client_id
    with pytest.raises(BindingError, match="differs"):
        connect(client_id="someone-else", tenant_id=info.tenant_id, client_secret=credential,
                environment=emu_env_name)


def test_wrong_secret_is_an_authentication_error(emu: Emulator, info: Any,
                                                 emu_env_name: str) -> None:
    with pytest.raises(AuthenticationError, match="invalid_client") as excinfo:
        connect(client_id=info.client_id, tenant_id=info.tenant_id,
                client_secret="not-the-secret-123", environment=emu_env_name)
    assert "not-the-secret-123" not in str(excinfo.value)
    assert get_context() is None


def test_exactly_one_sign_in_method(info: Any) -> None:
    with pytest.raises(ParameterSetError, match="given: none"):
        connect(client_id="x", tenant_id="y")
    with pytest.raises(ParameterSetError, match="client_secret, access_token"):
        connect(client_id="x", tenant_id="y", client_secret="s", access_token="t")
    with pytest.raises(ParameterSetError):
        connect(client_id="x", tenant_id="y", certificate_path="a.pem",
                certificate_thumbprint="AB")
    with pytest.raises(BindingError, match="TenantId"):
        connect(client_id="x", client_secret="secret-value")
    with pytest.raises(BindingError, match="ContextScope"):
        connect(client_id="x", tenant_id="y", client_secret="s", context_scope="Machine")


def test_not_connected(emu: Emulator) -> None:
    disconnect()
    assert get_context() is None
    with pytest.raises(AuthenticationError) as excinfo:
        get_default_client()
    # A Python caller is told the Python call to make; a PowerShell one, the cmdlet.
    assert str(excinfo.value) == ("Authentication needed. Please call bridge.connect(...) first, "
                                  "or pass client=GraphClient(credential=...).")
    with pytest.raises(AuthenticationError, match=r"bridge\.connect\(\.\.\.\)"):
        GraphClient()
    with powershell_caller(), pytest.raises(AuthenticationError) as excinfo:
        get_default_client()
    assert str(excinfo.value) == "Authentication needed. Please call Connect-MgGraph."


def test_protocol_errors_name_the_cmdlet(emu: Emulator) -> None:
    from bridge.protocol import dispatch
    disconnect()
    answer = dispatch({"v": 1, "id": 1, "op": "invoke", "args": {
        "parameters": {"ApplicationId": "a", "TemplateId": "t"}, "whatIf": False}})
    assert answer["error"]["message"] == "Authentication needed. Please call Connect-MgGraph."


def test_disconnect_and_reconnect(emu: Emulator, info: Any, emu_env_name: str) -> None:
    first = connect(**_secret_kwargs(info, emu_env_name))
    second = connect(**_secret_kwargs(info, emu_env_name))
    assert first.closed and not second.closed  # connecting again replaces the default
    assert get_default_client().connection is second
    assert disconnect() is second.context
    assert second.closed and get_context() is None
    assert disconnect() is None
    with pytest.raises(AuthenticationError):
        second.get_token()


# ----------------------------------------------------------------------------- certificates

@pytest.mark.parametrize("kind,password", [("pem", None), ("pem", "pem-pass-1"),
                                           ("pfx", None), ("pfx", "pfx-pass-1")])
def test_certificate_file(emu: Emulator, info: Any, emu_env_name: str, certs: CertFactory,
                          kind: str, password: str) -> None:
    key, cert = certs.make("file-cert")
    client_id = certs.register(cert)
    write = certs.write_pem if kind == "pem" else certs.write_pfx
    path = write(key, cert, "client", password)
    conn = connect(client_id=client_id, tenant_id=info.tenant_id, certificate_path=str(path),
                   certificate_password=password, environment=emu_env_name)
    ctx = conn.context
    assert ctx.token_credential_type is TokenCredentialType.CLIENT_CERTIFICATE
    assert ctx.certificate_thumbprint == certs.thumbprint(cert)
    assert ctx.certificate_subject_name == "CN=file-cert"
    assert _create(conn, info)["templateId"] == "AWSSingleSignon"
    if password:
        assert password not in repr(conn) + str(conn.to_dict())


@pytest.mark.parametrize("kind", ["pem", "pfx"])
def test_certificate_wrong_password(info: Any, emu_env_name: str, certs: CertFactory,
                                    kind: str) -> None:
    key, cert = certs.make()
    write = certs.write_pem if kind == "pem" else certs.write_pfx
    path = write(key, cert, "client", "right-password")
    with pytest.raises(AuthenticationError, match="Cannot load the certificate") as excinfo:
        connect(client_id="x", tenant_id=info.tenant_id, certificate_path=str(path),
                certificate_password="wrong-password", environment=emu_env_name)
    assert "wrong-password" not in str(excinfo.value)


def test_unregistered_certificate_is_refused(emu: Emulator, info: Any, emu_env_name: str,
                                             certs: CertFactory) -> None:
    key, cert = certs.make()
    other_key, other = certs.make()
    client_id = certs.register(other)
    path = certs.write_pem(key, cert, "client")
    with pytest.raises(AuthenticationError, match="invalid_client|AADSTS"):
        connect(client_id=client_id, tenant_id=info.tenant_id, certificate_path=str(path),
                environment=emu_env_name)


def test_certificate_store_by_thumbprint_and_name(emu: Emulator, info: Any, emu_env_name: str,
                                                  certs: CertFactory, tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    store = tmp_path / "store"
    store.mkdir()
    monkeypatch.setenv(CERT_STORE_ENV_VAR, str(store))
    key, cert = certs.make("store-app")
    client_id = certs.register(cert)
    certs.write_pfx(key, cert, "store-app", folder=store)
    other_key, other = certs.make("unrelated")
    certs.write_pem(other_key, other, "unrelated", folder=store)
    old_key, old = certs.make("store-app", expired=True)  # same name, expired: skipped
    certs.write_pem(old_key, old, "store-app-old", folder=store)
    (store / "notes.txt").write_text("ignored")

    thumb = certs.thumbprint(cert)
    spaced = " ".join(re.findall("..", thumb.lower()))
    conn = connect(client_id=client_id, tenant_id=info.tenant_id,
                   certificate_thumbprint=spaced, environment=emu_env_name)
    assert conn.context.certificate_thumbprint == thumb
    for name in ("store-app", "CN=store-app", "cn=STORE-APP"):
        conn = connect(client_id=client_id, tenant_id=info.tenant_id, certificate_name=name,
                       environment=emu_env_name)
        assert conn.context.certificate_thumbprint == thumb
    with pytest.raises(AuthenticationError, match="was not found in certificate store or has "
                                                  "expired"):
        connect(client_id=client_id, tenant_id=info.tenant_id,
                certificate_thumbprint=certs.thumbprint(old), environment=emu_env_name)
    with pytest.raises(AuthenticationError, match="subject name 'nobody'"):
        connect(client_id=client_id, tenant_id=info.tenant_id, certificate_name="nobody",
                environment=emu_env_name)


def test_default_certificate_store_location(monkeypatch: pytest.MonkeyPatch,
                                            tmp_path: Path) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    assert cert_store_path() == tmp_path / ".mgbridge" / "certs"


# ----------------------------------------------------------------------------- device code

def test_device_code(emu: Emulator, info: Any, emu_env_name: str) -> None:
    messages: list[str] = []

    def prompt(message: str) -> None:
        messages.append(message)
        user_code = re.search(r"enter the code (\S+)", message).group(1)  # type: ignore[union-attr]
        threading.Timer(0.2, emu.approve_device_code, [user_code]).start()

    conn = connect(client_id=info.public_client_id, tenant_id=info.tenant_id,
                   use_device_code=True, prompt=prompt, environment=emu_env_name,
                   scopes=["Synchronization.ReadWrite.All"])
    assert len(messages) == 1 and "devicelogin" in messages[0]
    ctx = conn.context
    assert ctx.auth_type is AuthType.DELEGATED
    assert ctx.token_credential_type is TokenCredentialType.DEVICE_CODE
    assert ctx.context_scope is ContextScope.CURRENT_USER
    assert ctx.account
    assert _create(conn, info)["templateId"] == "AWSSingleSignon"
    before = emu.counters()["routes"].get("token", 0)
    refreshed = conn.get_token(force_refresh=True)  # msal redeems the refresh token
    assert emu.counters()["routes"]["token"] == before + 1
    assert refreshed.expires_on > time.time()


def test_device_code_default_prompt_goes_to_stderr(emu: Emulator, info: Any, emu_env_name: str,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    def approve_when_pending() -> None:
        for _ in range(50):
            pending = [r for r in emu.requests() if r.get("route") == "devicecode"]
            if pending:
                break
            time.sleep(0.05)
        err = capsys.readouterr().err
        code = re.search(r"enter the code (\S+)", err)
        if code:
            emu.approve_device_code(code.group(1))

    # The default prompt prints to stderr; approve by reading it back.
    import sys
    original = sign_in_module._default_prompt

    def prompt(message: str) -> None:
        original(message)
        threading.Thread(target=approve_when_pending, daemon=True).start()

    conn = connect(client_id=info.public_client_id, tenant_id=info.tenant_id,
                   use_device_code=True, prompt=prompt, environment=emu_env_name)
    assert conn.context.auth_type is AuthType.DELEGATED
    assert sys.stdout is not None
    assert "enter the code" not in capsys.readouterr().out


def test_device_code_times_out(emu: Emulator, info: Any, emu_env_name: str) -> None:
    with pytest.raises(AuthenticationError, match="timed out after 1 seconds"):
        connect(client_id=info.public_client_id, tenant_id=info.tenant_id,
                use_device_code=True, prompt=lambda message: None, environment=emu_env_name,
                device_code_timeout=1)


# ----------------------------------------------------------------------------- access token

def test_access_token(emu: Emulator, info: Any, emu_env_name: str) -> None:
    token = emu.mint_token(client_id=info.client_id, roles=["Synchronization.ReadWrite.All"])
    conn = connect(access_token=token, environment=emu_env_name)
    ctx = conn.context
    assert ctx.auth_type is AuthType.USER_PROVIDED_ACCESS_TOKEN
    assert ctx.token_credential_type is TokenCredentialType.USER_PROVIDED_ACCESS_TOKEN
    assert ctx.client_id == info.client_id
    assert token not in repr(conn) + str(conn.to_dict())
    assert _create(conn, info)["templateId"] == "AWSSingleSignon"


def test_access_token_expired_or_invalid(emu: Emulator, info: Any, emu_env_name: str) -> None:
    expired = emu.mint_token(client_id=info.client_id, expired=True)
    with pytest.raises(AuthenticationError, match="The provided access token has expired"):
        connect(access_token=expired, environment=emu_env_name)
    with pytest.raises(AuthenticationError, match="The provided access token is invalid"):
        connect(access_token="opaque-token-value", environment=emu_env_name)


def test_access_token_expiring_during_use(emu: Emulator, info: Any, emu_env_name: str) -> None:
    token = emu.mint_token(client_id=info.client_id, roles=["Synchronization.ReadWrite.All"],
                           lifetime=2)
    conn = connect(access_token=token, environment=emu_env_name)
    assert _create(conn, info)["templateId"]
    time.sleep(2.1)
    with pytest.raises(AuthenticationError, match="has expired") as excinfo:
        _create(conn, info)
    assert token not in str(excinfo.value)


# ----------------------------------------------------------------------------- env variables

def test_environment_variables_secret(emu: Emulator, info: Any, emu_env_name: str,
                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AZURE_CLIENT_ID", info.client_id)
    monkeypatch.setenv("AZURE_TENANT_ID", info.tenant_id)
    monkeypatch.setenv("AZURE_CLIENT_SECRET", info.client_secret)
    conn = connect(environment_variable=True, environment=emu_env_name)
    assert conn.context.token_credential_type is TokenCredentialType.ENVIRONMENT_VARIABLE
    assert conn.context.auth_type is AuthType.APP_ONLY
    assert _create(conn, info)["templateId"]


def test_environment_variables_certificate(emu: Emulator, info: Any, emu_env_name: str,
                                           certs: CertFactory,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    key, cert = certs.make("env-cert")
    client_id = certs.register(cert)
    path = certs.write_pfx(key, cert, "env-cert", "env-pass-1")
    monkeypatch.setenv("AZURE_CLIENT_ID", client_id)
    monkeypatch.setenv("AZURE_TENANT_ID", info.tenant_id)
    monkeypatch.setenv("AZURE_CLIENT_CERTIFICATE_PATH", str(path))
    monkeypatch.setenv("AZURE_CLIENT_CERTIFICATE_PASSWORD", "env-pass-1")
    conn = connect(environment_variable=True, environment=emu_env_name)
    assert conn.context.token_credential_type is TokenCredentialType.ENVIRONMENT_VARIABLE
    assert conn.context.certificate_thumbprint == certs.thumbprint(cert)


def test_environment_variables_missing(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(BindingError, match="AZURE_CLIENT_ID"):
        connect(environment_variable=True)
    monkeypatch.setenv("AZURE_CLIENT_ID", "a")
    monkeypatch.setenv("AZURE_TENANT_ID", "b")
    with pytest.raises(BindingError, match="AZURE_CLIENT_SECRET"):
        connect(environment_variable=True)


# ----------------------------------------------------------------------------- managed identity

@pytest.mark.parametrize("user_assigned", [False, True])
def test_managed_identity_app_service(emu: Emulator, info: Any, emu_env_name: str,
                                      monkeypatch: pytest.MonkeyPatch,
                                      user_assigned: bool) -> None:
    monkeypatch.setenv("IDENTITY_ENDPOINT", info.managed_identity_endpoint)
    monkeypatch.setenv("IDENTITY_HEADER", info.managed_identity_header)
    client_id = info.user_assigned_client_id if user_assigned else None
    conn = connect(identity=True, client_id=client_id, environment=emu_env_name)
    ctx = conn.context
    assert ctx.auth_type is AuthType.MANAGED_IDENTITY
    assert ctx.token_credential_type is TokenCredentialType.MANAGED_IDENTITY
    assert ctx.managed_identity_id == client_id
    if user_assigned:
        assert ctx.client_id == info.user_assigned_client_id
    assert info.managed_identity_header not in repr(conn) + repr(conn.token_provider)
    assert _create(conn, info)["templateId"]
    mi_requests = [r for r in emu.requests() if r.get("route") == "managed_identity"]
    assert mi_requests and mi_requests[-1]["query"].get("api-version") == "2019-08-01"


def test_managed_identity_imds(emu: Emulator, info: Any, emu_env_name: str,
                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MGBRIDGE_IMDS_ENDPOINT", info.imds_endpoint)
    conn = connect(identity=True, environment=emu_env_name)
    assert conn.context.auth_type is AuthType.MANAGED_IDENTITY
    assert _create(conn, info)["templateId"]


def test_managed_identity_wrong_header(emu: Emulator, info: Any, emu_env_name: str,
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("IDENTITY_ENDPOINT", info.managed_identity_endpoint)
    monkeypatch.setenv("IDENTITY_HEADER", "wrong-header-value")
    with pytest.raises(AuthenticationError, match="HTTP 401") as excinfo:
        connect(identity=True, environment=emu_env_name)
    assert "wrong-header-value" not in str(excinfo.value)


# ----------------------------------------------------------------------------- refresh

def test_token_near_expiry_is_refreshed(info: Any, tmp_path: Path) -> None:
    # Tokens living 60 s are always inside msal's 5-minute refresh window.
    with Emulator(token_lifetime=60) as short:
        sinfo = short.info
        name = f"Short-{sinfo['port']}"
        add_environment(name, sinfo["login_url"], sinfo["graph_url"], ca_file=sinfo["ca_file"])
        try:
            conn = connect(client_id=sinfo["client_id"], tenant_id=sinfo["tenant_id"],
                           client_secret=sinfo["client_secret"], environment=name)
            assert short.counters()["routes"]["token"] == 1
            first = conn.get_token()
            assert short.counters()["routes"]["token"] == 2
            assert first.expires_within(61)
            client = GraphClient(conn, retry_delay=0.05)
            client.create(GraphRequest("POST", jobs_path(sinfo["application_id"]),
                                       body={"templateId": "AWSSingleSignon"}))
            assert short.counters()["routes"]["token"] == 3
        finally:
            remove_environment(name)


def test_fresh_token_is_reused(emu: Emulator, info: Any, emu_env_name: str) -> None:
    conn = connect(**_secret_kwargs(info, emu_env_name))
    before = emu.counters()["routes"]["token"]
    a, b = conn.get_token(), conn.get_token()
    assert a.token == b.token
    assert emu.counters()["routes"]["token"] == before
    forced = conn.get_token(force_refresh=True)
    assert emu.counters()["routes"]["token"] == before + 1
    assert isinstance(forced, AccessToken)


def test_persistent_token_cache(emu: Emulator, info: Any, emu_env_name: str,
                                tmp_path: Path) -> None:
    path = tmp_path / "cache" / "tokens.json"
    connect(token_cache_path=str(path), **_secret_kwargs(info, emu_env_name))
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert stat.S_IMODE(os.stat(path.parent).st_mode) == 0o700
    assert info.client_secret not in path.read_text()
    before = emu.counters()["routes"]["token"]
    second = connect(token_cache_path=str(path), set_default=False,
                     **_secret_kwargs(info, emu_env_name))
    assert emu.counters()["routes"]["token"] == before  # served from the file
    assert json.loads(path.read_text())["AccessToken"]
    second.disconnect()  # Disconnect-MgGraph clears the cached tokens
    assert json.loads(path.read_text())["AccessToken"] == {}


# ----------------------------------------------------------------------------- TLS trust

def test_ca_trust_with_system_bundle_variables(emu: Emulator, info: Any, emu_env_name: str,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    if not os.path.exists(SYSTEM_BUNDLE):
        pytest.skip("no system CA bundle")
    monkeypatch.setenv("SSL_CERT_FILE", SYSTEM_BUNDLE)
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", SYSTEM_BUNDLE)
    conn = connect(**_secret_kwargs(info, emu_env_name))
    assert _create(conn, info)["templateId"]


def test_env_var_ca_file(emu: Emulator, info: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    name = f"NoCa-{info.port}"
    add_environment(name, info.login_url, info.graph_url)
    try:
        with pytest.raises(NetworkError, match="TLS verification failed"):
            connect(client_id=info.client_id, tenant_id=info.tenant_id,
                    client_secret=info.client_secret, environment=name)
        monkeypatch.setenv("MGBRIDGE_CA_FILE", info.ca_file)
        monkeypatch.setenv("SSL_CERT_FILE", SYSTEM_BUNDLE)
        monkeypatch.setenv("REQUESTS_CA_BUNDLE", SYSTEM_BUNDLE)
        conn = connect(client_id=info.client_id, tenant_id=info.tenant_id,
                       client_secret=info.client_secret, environment=name)
        assert _create(conn, info)["templateId"]
    finally:
        remove_environment(name)


def test_authority_must_be_a_known_tenant(emu: Emulator, info: Any, emu_env_name: str) -> None:
    with pytest.raises(AuthenticationError):
        connect(client_id=info.client_id, tenant_id="no-such-tenant",
                client_secret=info.client_secret, environment=emu_env_name)

