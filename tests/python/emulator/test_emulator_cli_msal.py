"""The process interface (``python -m bridge.emulator``) and msal 1.21 against the emulator."""

from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import sys
import threading
from pathlib import Path
from typing import IO, Any, Callable

import httpx
import msal
import pytest
import requests
from cryptography.hazmat.primitives import serialization

from bridge.emulator import Emulator

REPO = Path(__file__).resolve().parents[3]
GRAPH_SCOPE = "https://graph.microsoft.com/.default"
INFO_KEYS = {"graph_url", "login_url", "authority", "tenant_id", "client_id", "client_secret",
             "readonly_client_id", "readonly_client_secret", "public_client_id",
             "application_id", "ca_file", "admin_url", "managed_identity_endpoint",
             "managed_identity_header", "port"}


def _first_line(proc: "subprocess.Popen[str]", timeout: float = 20) -> str:
    """The process's first stdout line, or fail after ``timeout`` seconds."""
    lines: list[str] = []
    assert proc.stdout is not None
    stdout: IO[str] = proc.stdout
    reader = threading.Thread(target=lambda: lines.append(stdout.readline()), daemon=True)
    reader.start()
    reader.join(timeout)
    if not lines:
        proc.kill()
        raise AssertionError("the emulator printed nothing within the timeout")
    return lines[0]


def _spawn(*args: str) -> "subprocess.Popen[str]":
    env = dict(os.environ, PYTHONPATH=str(REPO) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    return subprocess.Popen([sys.executable, "-m", "bridge.emulator", *args],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
                            cwd=str(REPO))


def test_cli_prints_info_and_stops_on_sigterm(tmp_path: Path) -> None:
    proc = _spawn("--workdir", str(tmp_path), "--state", str(tmp_path / "state.json"),
                  "--fault", "jobs.create:status=429,count=1,retry_after=1")
    try:
        info = json.loads(_first_line(proc))
        assert INFO_KEYS <= set(info)
        assert isinstance(info["port"], int)
        assert info["graph_url"] == f"https://127.0.0.1:{info['port']}"
        assert info["authority"] == f"{info['login_url']}/{info['tenant_id']}"
        assert Path(info["ca_file"]).parent == tmp_path
        with httpx.Client(verify=info["ca_file"], trust_env=False, timeout=10) as http:
            token = http.post(f"{info['authority']}/oauth2/v2.0/token", data={
                "grant_type": "client_credentials", "client_id": info["client_id"],
                "client_secret": info["client_secret"], "scope": GRAPH_SCOPE}).json()
            headers = {"Authorization": f"Bearer {token['access_token']}"}
            url = (f"{info['graph_url']}/v1.0/applications/{info['application_id']}"
                   "/synchronization/jobs")
            first = http.post(url, json={"templateId": "Cli"}, headers=headers)
            assert first.status_code == 429 and first.headers["Retry-After"] == "1"
            assert http.post(url, json={"templateId": "Cli"}, headers=headers).status_code == 201
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=15) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(timeout=5)
        for stream in (proc.stdout, proc.stderr):
            if stream is not None:
                stream.close()
    assert (tmp_path / "state.json").exists()


def test_cli_rejects_a_bad_fault() -> None:
    proc = _spawn("--fault", "jobs.create:explode")
    try:
        _, err = proc.communicate(timeout=20)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(timeout=5)
    assert proc.returncode == 2
    assert "explode" in err


# -- msal 1.21 ------------------------------------------------------------------------------------


@pytest.fixture
def msal_http(info: Any, monkeypatch: pytest.MonkeyPatch) -> requests.Session:
    """A requests session trusting only the emulator's CA.

    requests lets REQUESTS_CA_BUNDLE override ``session.verify`` when trust_env is on,
    so the environment is both pointed at the CA and switched off for this session.
    """
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", info.ca_file)
    monkeypatch.setenv("SSL_CERT_FILE", info.ca_file)
    session = requests.Session()
    session.trust_env = False
    session.verify = info.ca_file
    return session


def test_msal_client_secret(info: Any, msal_http: requests.Session,
                            http: httpx.Client, jobs_url: Callable[..., str]) -> None:
    app = msal.ConfidentialClientApplication(
        info.client_id, client_credential=info.client_secret, authority=info.authority,
        validate_authority=False, http_client=msal_http)
    result = app.acquire_token_for_client(scopes=[GRAPH_SCOPE])
    assert "access_token" in result, result
    assert result["token_type"] == "Bearer"
    response = http.get(jobs_url(), headers={"Authorization": f"Bearer {result['access_token']}"})
    assert response.status_code == 200


def test_msal_wrong_secret(info: Any, msal_http: requests.Session) -> None:
    app = msal.ConfidentialClientApplication(
        info.client_id, client_credential="wrong", authority=info.authority,
        validate_authority=False, http_client=msal_http)
    result = app.acquire_token_for_client(scopes=[GRAPH_SCOPE])
    assert result["error"] == "invalid_client"
    assert 7000215 in result["error_codes"]


def test_msal_certificate(emu: Emulator, info: Any,
                          msal_http: requests.Session) -> None:
    import datetime as dt

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.x509.oid import NameOID

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "msal test")])
    now = dt.datetime.now(dt.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
            .public_key(key.public_key()).serial_number(7)
            .not_valid_before(now - dt.timedelta(days=1))
            .not_valid_after(now + dt.timedelta(days=1)).sign(key, hashes.SHA256()))
    pem = cert.public_bytes(serialization.Encoding.PEM).decode()
    client_id = emu.register_client(certificate_pem=pem, roles=["Synchronization.ReadWrite.All"])
    thumbprint = hashlib.sha1(cert.public_bytes(serialization.Encoding.DER)).hexdigest()
    private = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption()).decode()
    app = msal.ConfidentialClientApplication(
        client_id, client_credential={"private_key": private, "thumbprint": thumbprint},
        authority=info.authority, validate_authority=False, http_client=msal_http)
    result = app.acquire_token_for_client(scopes=[GRAPH_SCOPE])
    assert "access_token" in result, result
    sent = [r for r in emu.requests() if r["route"] == "token"][-1]["body"]
    assert sent["client_assertion_type"] == "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
    assert sent["client_assertion"] == "REDACTED"


def test_msal_device_flow(emu: Emulator, info: Any,
                          msal_http: requests.Session) -> None:
    app = msal.PublicClientApplication(info.public_client_id, authority=info.authority,
                                       validate_authority=False, http_client=msal_http)
    flow = app.initiate_device_flow(scopes=[GRAPH_SCOPE])
    assert flow["user_code"] in flow["message"]
    assert emu.approve_device_code(flow["user_code"])
    result = app.acquire_token_by_device_flow(flow, exit_condition=lambda f: True)
    assert "access_token" in result, result
    accounts = app.get_accounts()
    assert accounts and accounts[0]["username"] == "adele.vance@emulator.onmicrosoft.com"
    silent = app.acquire_token_silent([GRAPH_SCOPE], account=accounts[0])
    assert silent and "access_token" in silent
    refreshed = app.acquire_token_silent([GRAPH_SCOPE], account=accounts[0], force_refresh=True)
    assert refreshed and refreshed["access_token"] != result["access_token"]
