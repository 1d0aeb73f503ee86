"""The identity endpoints: discovery, client credentials, certificates, device code, MSI."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
import time
import uuid
from typing import Any, Callable

import httpx
import jwt
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID

from bridge.emulator import Emulator

GRAPH_SCOPE = "https://graph.microsoft.com/.default"
JWT_BEARER = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"


def _token_url(info: Any, tenant: str | None = None) -> str:
    return f"{info.login_url}/{tenant or info.tenant_id}/oauth2/v2.0/token"


def _claims(http: httpx.Client, info: Any, token: str, aud: str) -> dict[str, Any]:
    """Verify a token against the published JWKS, as a resource server would."""
    header = jwt.get_unverified_header(token)
    keys = http.get(f"{info.authority}/discovery/v2.0/keys").json()["keys"]
    jwk = next(k for k in keys if k["kid"] == header["kid"])
    public = jwt.algorithms.RSAAlgorithm.from_jwk(json.dumps(jwk))  # type: ignore[no-untyped-call]
    claims = jwt.decode(token, public, algorithms=["RS256"], audience=aud)
    return dict(claims)


def _make_cert() -> tuple[rsa.RSAPrivateKey, str, str]:
    """(key, certificate PEM, x5t) for a fresh self-signed certificate."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "test client")])
    now = dt.datetime.now(dt.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(days=1))
            .not_valid_after(now + dt.timedelta(days=30)).sign(key, hashes.SHA256()))
    der = cert.public_bytes(serialization.Encoding.DER)
    x5t = base64.urlsafe_b64encode(hashlib.sha1(der).digest()).rstrip(b"=").decode()
    return key, cert.public_bytes(serialization.Encoding.PEM).decode(), x5t


@pytest.fixture(scope="module")
def cert_client(emulator: Emulator) -> dict[str, Any]:
    """A client registered with a certificate and the ReadWrite role."""
    key, pem, x5t = _make_cert()
    client_id = emulator.register_client(certificate_pem=pem,
                                         roles=["Synchronization.ReadWrite.All"])
    return {"client_id": client_id, "key": key, "pem": pem, "x5t": x5t}


def _assertion(key: Any, client_id: str, aud: str, x5t: str | None,
               algorithm: str = "RS256", exp_delta: int = 600) -> str:
    now = int(time.time())
    headers = {"x5t": x5t} if x5t else {}
    return jwt.encode({"aud": aud, "iss": client_id, "sub": client_id, "jti": str(uuid.uuid4()),
                       "nbf": now, "iat": now, "exp": now + exp_delta}, key,
                      algorithm=algorithm, headers=headers)


# -- discovery ----------------------------------------------------------------------------------


@pytest.mark.parametrize("tenant", ["TENANT", "organizations", "common"])
def test_discovery_document(http: httpx.Client, info: Any, tenant: str) -> None:
    segment = info.tenant_id if tenant == "TENANT" else tenant
    response = http.get(f"{info.login_url}/{segment}/v2.0/.well-known/openid-configuration")
    assert response.status_code == 200
    doc = response.json()
    base = f"{info.login_url}/{segment}"
    assert doc["token_endpoint"] == f"{base}/oauth2/v2.0/token"
    assert doc["device_authorization_endpoint"] == f"{base}/oauth2/v2.0/devicecode"
    assert doc["authorization_endpoint"] == f"{base}/oauth2/v2.0/authorize"
    assert doc["jwks_uri"] == f"{base}/discovery/v2.0/keys"
    if tenant == "TENANT":
        assert doc["issuer"] == f"{info.login_url}/{info.tenant_id}/v2.0"
    else:
        assert "{tenantid}" in doc["issuer"]


def test_unknown_tenant_is_rejected(http: httpx.Client, info: Any) -> None:
    response = http.get(f"{info.login_url}/not-a-tenant/v2.0/.well-known/openid-configuration")
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_tenant"
    assert response.json()["error_codes"] == [90002]


def test_jwks_serves_the_signing_key(http: httpx.Client, info: Any, token: str) -> None:
    keys = http.get(f"{info.authority}/discovery/v2.0/keys").json()["keys"]
    assert keys[0]["kty"] == "RSA" and keys[0]["use"] == "sig"
    assert jwt.get_unverified_header(token)["kid"] == keys[0]["kid"]


# -- client credentials -------------------------------------------------------------------------


def test_client_secret_token_and_claims(http: httpx.Client, info: Any) -> None:
    response = http.post(_token_url(info), data={
        "grant_type": "client_credentials", "client_id": info.client_id,
        "client_secret": info.client_secret, "scope": GRAPH_SCOPE})
    assert response.status_code == 200
    body = response.json()
    assert body["token_type"] == "Bearer"
    assert body["expires_in"] == 3600 and body["ext_expires_in"] == 3600
    claims = _claims(http, info, body["access_token"], "https://graph.microsoft.com")
    assert claims["tid"] == info.tenant_id
    assert claims["iss"] == f"https://sts.windows.net/{info.tenant_id}/"
    assert claims["appid"] == claims["azp"] == info.client_id
    assert claims["roles"] == ["Synchronization.ReadWrite.All"]
    assert claims["idtyp"] == "app" and "scp" not in claims
    assert claims["exp"] - claims["iat"] == 3600
    assert uuid.UUID(claims["oid"])


def test_client_secret_basic(http: httpx.Client, info: Any) -> None:
    response = http.post(_token_url(info), auth=(info.client_id, info.client_secret),
                         data={"grant_type": "client_credentials", "scope": GRAPH_SCOPE})
    assert response.status_code == 200


def test_wrong_secret_is_invalid_client(http: httpx.Client, info: Any) -> None:
    response = http.post(_token_url(info), data={
        "grant_type": "client_credentials", "client_id": info.client_id,
        "client_secret": "wrong", "scope": GRAPH_SCOPE})
    assert response.status_code == 401
    body = response.json()
    assert body["error"] == "invalid_client"
    assert body["error_codes"] == [7000215]
    assert body["error_description"].startswith("AADSTS7000215: Invalid client secret provided.")
    for key in ("timestamp", "trace_id", "correlation_id"):
        assert body[key]


@pytest.mark.parametrize("data, status, error, code", [
    ({"client_id": "00000000-0000-0000-0000-000000000001", "client_secret": "x",
      "scope": GRAPH_SCOPE}, 400, "unauthorized_client", 700016),
    ({"scope": "https://graph.microsoft.com/Synchronization.ReadWrite.All"}, 400,
     "invalid_scope", 1002012),
    ({"scope": "https://nowhere.example/.default"}, 400, "invalid_resource", 500011),
    ({"client_secret": None, "scope": GRAPH_SCOPE}, 401, "invalid_client", 7000218),
    ({"grant_type": "password", "scope": GRAPH_SCOPE}, 400, "unsupported_grant_type", 70003),
])
def test_token_errors(http: httpx.Client, info: Any, data: dict[str, Any],
                      status: int, error: str, code: int) -> None:
    form = {"grant_type": "client_credentials", "client_id": info.client_id,
            "client_secret": info.client_secret}
    form.update(data)
    form = {k: v for k, v in form.items() if v is not None}
    response = http.post(_token_url(info), data=form)
    assert response.status_code == status, response.text
    assert response.json()["error"] == error
    assert response.json()["error_codes"] == [code]


def test_token_lifetime_is_configurable(emu: Emulator, http: httpx.Client,
                                        info: Any,
                                        get_token: Callable[..., str]) -> None:
    emu.configure(token_lifetime=5)
    token = get_token(info.client_id, info.client_secret)
    claims = jwt.decode(token, options={"verify_signature": False})
    assert claims["exp"] - claims["iat"] == 5


# -- certificate assertions ---------------------------------------------------------------------


@pytest.mark.parametrize("algorithm", ["RS256", "PS256"])
def test_certificate_assertion_is_accepted(http: httpx.Client, info: Any,
                                           cert_client: dict[str, Any], algorithm: str) -> None:
    assertion = _assertion(cert_client["key"], cert_client["client_id"], _token_url(info),
                           cert_client["x5t"], algorithm)
    response = http.post(_token_url(info), data={
        "grant_type": "client_credentials", "client_id": cert_client["client_id"],
        "client_assertion_type": JWT_BEARER, "client_assertion": assertion, "scope": GRAPH_SCOPE})
    assert response.status_code == 200, response.text
    claims = jwt.decode(response.json()["access_token"], options={"verify_signature": False})
    assert claims["appidacr"] == "2"


def test_certificate_assertion_without_x5t(http: httpx.Client, info: Any,
                                           cert_client: dict[str, Any]) -> None:
    assertion = _assertion(cert_client["key"], cert_client["client_id"], _token_url(info), None)
    response = http.post(_token_url(info), data={
        "grant_type": "client_credentials", "client_id": cert_client["client_id"],
        "client_assertion_type": JWT_BEARER, "client_assertion": assertion, "scope": GRAPH_SCOPE})
    assert response.status_code == 200, response.text


def _other_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@pytest.mark.parametrize("case, code", [
    ("bad-signature", 700027), ("unknown-x5t", 700027), ("wrong-aud", 700023),
    ("expired", 700024), ("wrong-iss", 700021)])
def test_certificate_assertion_is_rejected(http: httpx.Client, info: Any,
                                           cert_client: dict[str, Any], case: str,
                                           code: int) -> None:
    key, client_id, aud, x5t = (cert_client["key"], cert_client["client_id"], _token_url(info),
                                cert_client["x5t"])
    exp_delta = 600
    if case == "bad-signature":
        key = _other_key()
    elif case == "unknown-x5t":
        x5t = base64.urlsafe_b64encode(b"\x01" * 20).rstrip(b"=").decode()
    elif case == "wrong-aud":
        aud = "https://login.microsoftonline.com/other/oauth2/v2.0/token/x"
    elif case == "expired":
        exp_delta = -3600
    assertion = _assertion(key, "someone-else" if case == "wrong-iss" else client_id, aud, x5t,
                           exp_delta=exp_delta)
    response = http.post(_token_url(info), data={
        "grant_type": "client_credentials", "client_id": client_id,
        "client_assertion_type": JWT_BEARER, "client_assertion": assertion, "scope": GRAPH_SCOPE})
    assert response.status_code == 401, response.text
    assert response.json()["error"] == "invalid_client"
    assert response.json()["error_codes"] == [code]


# -- device code --------------------------------------------------------------------------------


def _start_device_flow(http: httpx.Client, info: Any) -> dict[str, Any]:
    response = http.post(f"{info.authority}/oauth2/v2.0/devicecode", data={
        "client_id": info.public_client_id,
        "scope": f"{GRAPH_SCOPE} offline_access openid profile"})
    assert response.status_code == 200, response.text
    return dict(response.json())


def _redeem(http: httpx.Client, info: Any, device_code: str) -> httpx.Response:
    return http.post(_token_url(info), data={
        "grant_type": "urn:ietf:params:oauth:grant-type:device_code",
        "client_id": info.public_client_id, "device_code": device_code, "client_info": "1"})


def test_device_code_flow(emu: Emulator, http: httpx.Client, info: Any) -> None:
    flow = _start_device_flow(http, info)
    for key in ("user_code", "device_code", "verification_uri", "expires_in", "interval",
                "message"):
        assert flow[key]
    assert flow["user_code"] in flow["message"]
    pending = _redeem(http, info, flow["device_code"])
    assert pending.status_code == 400
    assert pending.json()["error"] == "authorization_pending"
    assert emu.approve_device_code(flow["user_code"])
    granted = _redeem(http, info, flow["device_code"])
    assert granted.status_code == 200, granted.text
    body = granted.json()
    claims = jwt.decode(body["access_token"], options={"verify_signature": False})
    assert claims["scp"] == "Synchronization.ReadWrite.All"
    assert claims["idtyp"] == "user" and claims["appid"] == info.public_client_id
    assert body["refresh_token"] and body["id_token"] and body["client_info"]
    assert "https://graph.microsoft.com/.default" in body["scope"].split()
    # Spent: a device code is redeemed once.
    assert _redeem(http, info, flow["device_code"]).json()["error"] == "bad_verification_code"
    refreshed = http.post(_token_url(info), data={
        "grant_type": "refresh_token", "client_id": info.public_client_id,
        "refresh_token": body["refresh_token"], "scope": f"{GRAPH_SCOPE} offline_access"})
    assert refreshed.status_code == 200, refreshed.text
    assert refreshed.json()["refresh_token"] != body["refresh_token"]
    reused = http.post(_token_url(info), data={
        "grant_type": "refresh_token", "client_id": info.public_client_id,
        "refresh_token": body["refresh_token"], "scope": GRAPH_SCOPE})
    assert reused.json()["error"] == "invalid_grant"


def test_device_code_declined_and_unknown(emu: Emulator, http: httpx.Client,
                                          info: Any) -> None:
    flow = _start_device_flow(http, info)
    assert emu.deny_device_code(flow["user_code"])
    assert _redeem(http, info, flow["device_code"]).json()["error"] == "authorization_declined"
    assert not emu.approve_device_code("NOSUCHCODE")
    assert _redeem(http, info, "bogus").json()["error"] == "bad_verification_code"


def test_device_code_approval_over_http(http: httpx.Client, info: Any) -> None:
    flow = _start_device_flow(http, info)
    approve = http.post(f"{info.admin_url}/device/approve",
                        json={"user_code": flow["user_code"]})
    assert approve.status_code == 200
    assert _redeem(http, info, flow["device_code"]).status_code == 200


# -- managed identity ---------------------------------------------------------------------------


def test_managed_identity_app_service(http: httpx.Client, info: Any,
                                      jobs_url: Callable[..., str]) -> None:
    url = info.managed_identity_endpoint
    headers = {"X-IDENTITY-HEADER": info.managed_identity_header}
    params = {"api-version": "2019-08-01", "resource": "https://graph.microsoft.com"}
    response = http.get(url, params=params, headers=headers)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["token_type"] == "Bearer" and body["resource"] == "https://graph.microsoft.com"
    assert isinstance(body["expires_on"], str) and int(body["expires_on"]) > time.time()
    listed = http.get(jobs_url(), headers={"Authorization": f"Bearer {body['access_token']}"})
    assert listed.status_code == 200
    user = http.get(url, params={**params, "client_id": info.user_assigned_client_id},
                    headers=headers)
    assert user.json()["client_id"] == info.user_assigned_client_id
    assert http.get(url, params=params).status_code == 401
    unknown = http.get(url, params={**params, "client_id": str(uuid.uuid4())}, headers=headers)
    assert unknown.status_code == 400


def test_managed_identity_imds(http: httpx.Client, info: Any) -> None:
    url = info.imds_endpoint
    params = {"api-version": "2018-02-01", "resource": "https://graph.microsoft.com"}
    response = http.get(url, params=params, headers={"Metadata": "true"})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["expires_in"] == "3600" and body["token_type"] == "Bearer"
    missing = http.get(url, params=params)
    assert missing.status_code == 400
    assert missing.json()["error_description"] == "Required metadata header not specified"
