"""Observability and control: counters, the request log, reset, registrations, persistence."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Callable

import httpx
import pytest

from bridge.emulator import Emulator


def test_counters(emu: Emulator, http: httpx.Client, info: Any, auth: dict[str, str],
                  jobs_url: Callable[..., str]) -> None:
    for _ in range(3):
        http.post(jobs_url(), json={"templateId": "X"}, headers=auth)
    http.get(jobs_url(), headers=auth)
    http.get(f"{info.authority}/v2.0/.well-known/openid-configuration")
    over_http = http.get(f"{info.admin_url}/counters").json()
    assert over_http == emu.counters()
    assert over_http["total"] == 5
    assert over_http["routes"] == {"jobs.create": 3, "jobs.list": 1, "openid": 1}
    assert over_http["jobs_created"] == 3


def test_request_log_redacts_secrets(emu: Emulator, http: httpx.Client, info: Any,
                                     auth: dict[str, str], jobs_url: Callable[..., str]) -> None:
    http.post(f"{info.authority}/oauth2/v2.0/token", data={
        "grant_type": "client_credentials", "client_id": info.client_id,
        "client_secret": info.client_secret, "scope": "https://graph.microsoft.com/.default"})
    http.post(jobs_url(), json={"templateId": "Logged"}, params={"x": "1"},
              headers={**auth, "client-request-id": "log-1"})
    log = http.get(f"{info.admin_url}/requests").json()
    assert log == emu.requests()
    token_entry, create_entry = log[-2], log[-1]
    assert token_entry["route"] == "token"
    assert token_entry["body"]["client_secret"] == "REDACTED"
    assert token_entry["body"]["client_id"] == info.client_id
    assert create_entry["method"] == "POST" and create_entry["route"] == "jobs.create"
    assert create_entry["path"].endswith("/synchronization/jobs")
    assert create_entry["query"] == {"x": "1"}
    headers = {k.lower(): v for k, v in create_entry["headers"].items()}
    assert headers["authorization"] == "REDACTED"
    assert create_entry["body"] == {"templateId": "Logged"}
    assert create_entry["status"] == 201 and create_entry["client_request_id"] == "log-1"
    assert info.client_secret not in json.dumps(log)
    assert auth["Authorization"].split()[1] not in json.dumps(log)


def test_request_log_keeps_the_last_500(emu: Emulator, http: httpx.Client,
                                        info: Any) -> None:
    url = f"{info.authority}/discovery/v2.0/keys"
    for _ in range(505):
        http.get(url)
    log = emu.requests()
    assert len(log) == 500
    assert emu.counters()["routes"]["jwks"] == 505


def test_reset(emu: Emulator, http: httpx.Client, info: Any, auth: dict[str, str],
               jobs_url: Callable[..., str]) -> None:
    http.post(jobs_url(), json={"templateId": "X"}, headers=auth)
    emu.set_faults([{"route": "jobs.get", "kind": "status", "status": 500}])
    assert http.post(f"{info.admin_url}/reset").status_code == 204
    assert emu.jobs(info.application_id) == []
    assert emu.faults() == [] and emu.requests() == []
    assert emu.counters() == {"total": 0, "routes": {}, "jobs_created": 0, "faults_applied": 0}


def test_register_application_and_client_over_http(http: httpx.Client, info: Any,
                                                   jobs_url: Callable[..., str]) -> None:
    admin = info.admin_url
    app_id = http.post(f"{admin}/applications", json={}).json()["id"]
    client = http.post(f"{admin}/clients", json={"roles": ["Synchronization.ReadWrite.All"]})
    assert client.status_code == 201
    secret, client_id = client.json()["client_secret"], client.json()["client_id"]
    token = http.post(f"{info.authority}/oauth2/v2.0/token", data={
        "grant_type": "client_credentials", "client_id": client_id, "client_secret": secret,
        "scope": "https://graph.microsoft.com/.default"}).json()["access_token"]
    created = http.post(jobs_url(app_id), json={"templateId": "X"},
                        headers={"Authorization": f"Bearer {token}"})
    assert created.status_code == 201
    jobs = http.get(f"{admin}/applications/{app_id}/jobs").json()["value"]
    assert [j["id"] for j in jobs] == [created.json()["id"]]
    assert http.post(f"{admin}/clients", json={"certificate_pem": "junk"}).status_code == 400


def test_config_and_minted_tokens_over_http(http: httpx.Client, info: Any,
                                            jobs_url: Callable[..., str]) -> None:
    admin = info.admin_url
    assert http.post(f"{admin}/config", json={"token_lifetime": 7}).json()["token_lifetime"] == 7
    assert http.post(f"{admin}/config", json={"nope": 1}).status_code == 400
    minted = http.post(f"{admin}/tokens", json={"expired": True}).json()["access_token"]
    response = http.get(jobs_url(), headers={"Authorization": f"Bearer {minted}"})
    assert response.status_code == 401


def test_state_file_persists_credentials_and_jobs(tmp_path: Path) -> None:
    state_file = tmp_path / "state.json"
    with Emulator(state_file=str(state_file)) as first:
        info = first.info
        with httpx.Client(verify=info["ca_file"], trust_env=False, timeout=10) as http:
            token = http.post(f"{info['authority']}/oauth2/v2.0/token", data={
                "grant_type": "client_credentials", "client_id": info["client_id"],
                "client_secret": info["client_secret"],
                "scope": "https://graph.microsoft.com/.default"}).json()["access_token"]
            url = (f"{info['graph_url']}/v1.0/applications/{info['application_id']}"
                   "/synchronization/jobs")
            job = http.post(url, json={"templateId": "Kept"},
                            headers={"Authorization": f"Bearer {token}"}).json()
    saved = json.loads(state_file.read_text("utf-8"))
    assert saved["tenant_id"] == info["tenant_id"]
    assert not list(tmp_path.glob("*.tmp"))
    with Emulator(state_file=str(state_file)) as second:
        again = second.info
        for key in ("tenant_id", "client_id", "client_secret", "application_id",
                    "managed_identity_header"):
            assert again[key] == info[key]
        assert [j["id"] for j in second.jobs(info["application_id"])] == [job["id"]]
        with httpx.Client(verify=again["ca_file"], trust_env=False, timeout=10) as http:
            url = (f"{again['graph_url']}/v1.0/applications/{again['application_id']}"
                   "/synchronization/jobs")
            # The signing key persisted too: the first run's token still verifies.
            listed = http.get(url, headers={"Authorization": f"Bearer {token}"})
            assert listed.status_code == 200
            deleted = http.delete(f"{url}/{job['id']}",
                                  headers={"Authorization": f"Bearer {token}"})
            assert deleted.status_code == 204
    assert json.loads(state_file.read_text("utf-8"))["applications"][0]["jobs"] == []


def test_emulator_rejects_bad_faults_up_front() -> None:
    with pytest.raises(ValueError):
        Emulator(faults=[{"route": "jobs.create", "kind": "explode"}])
