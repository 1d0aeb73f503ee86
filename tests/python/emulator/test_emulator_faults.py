"""Fault injection: each kind, the spec parser, and the admin API for faults."""

from __future__ import annotations

import email.utils
import json
import threading
import time
from typing import Any, Callable

import httpx
import pytest

from bridge.emulator import Emulator, parse_fault_spec


def test_429_with_retry_after_seconds(emu: Emulator, http: httpx.Client, info: Any,
                                      auth: dict[str, str], jobs_url: Callable[..., str]) -> None:
    emu.set_faults([{"route": "jobs.create", "kind": "status", "status": 429,
                     "retry_after": 2.128, "count": 2}])
    for _ in range(2):
        response = http.post(jobs_url(), json={"templateId": "X"}, headers=auth)
        assert response.status_code == 429
        assert response.headers["Retry-After"] == "2.128"
        error = response.json()["error"]
        assert error["code"] == "TooManyRequests"
        assert error["message"] == "Please retry again later."
        assert error["innerError"]["request-id"] == response.headers["request-id"]
        assert error["innerError"]["status"] == "429"
    assert emu.jobs(info.application_id) == []
    assert http.post(jobs_url(), json={"templateId": "X"}, headers=auth).status_code == 201
    assert emu.counters()["faults_applied"] == 2


def test_retry_after_http_date(emu: Emulator, http: httpx.Client, auth: dict[str, str],
                               jobs_url: Callable[..., str]) -> None:
    emu.set_faults([{"route": "jobs.create", "kind": "status", "status": 503,
                     "retry_after": "date:30"}])
    response = http.post(jobs_url(), json={"templateId": "X"}, headers=auth)
    assert response.status_code == 503
    when = email.utils.parsedate_to_datetime(response.headers["Retry-After"]).timestamp()
    assert 25 <= when - time.time() <= 31
    assert response.json()["error"]["code"] == "serviceNotAvailable"


def test_status_fault_on_token_route_speaks_aad(emu: Emulator, http: httpx.Client,
                                                info: Any) -> None:
    emu.set_faults([{"route": "token", "kind": "status", "status": 503, "retry_after": 1}])
    response = http.post(f"{info.authority}/oauth2/v2.0/token", data={
        "grant_type": "client_credentials", "client_id": info.client_id,
        "client_secret": info.client_secret, "scope": "https://graph.microsoft.com/.default"})
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "1"
    assert response.json()["error"] == "temporarily_unavailable"
    assert response.json()["error_description"].startswith("AADSTS")


def test_latency_delays_only_its_request(emu: Emulator, http: httpx.Client, info: Any,
                                         auth: dict[str, str],
                                         jobs_url: Callable[..., str]) -> None:
    emu.set_faults([{"route": "jobs.create", "kind": "latency", "seconds": 0.6}])
    other: dict[str, float] = {}

    def meanwhile() -> None:
        time.sleep(0.1)
        started = time.monotonic()
        with httpx.Client(verify=info.ca_file, trust_env=False, timeout=10) as second:
            second.get(jobs_url(), headers=auth)
        other["elapsed"] = time.monotonic() - started

    thread = threading.Thread(target=meanwhile)
    started = time.monotonic()
    thread.start()
    response = http.post(jobs_url(), json={"templateId": "X"}, headers=auth)
    elapsed = time.monotonic() - started
    thread.join(timeout=10)
    assert response.status_code == 201
    assert elapsed >= 0.6
    assert other["elapsed"] < 0.5


def test_drop_before_stores_nothing(emu: Emulator, http: httpx.Client, info: Any,
                                    auth: dict[str, str], jobs_url: Callable[..., str]) -> None:
    emu.set_faults([{"route": "jobs.create", "kind": "drop_before"}])
    with pytest.raises(httpx.TransportError):
        http.post(jobs_url(), json={"templateId": "X"}, headers=auth)
    assert emu.jobs(info.application_id) == []
    assert emu.requests()[-1]["status"] is None
    assert http.post(jobs_url(), json={"templateId": "X"}, headers=auth).status_code == 201


def test_drop_after_stores_the_job(emu: Emulator, http: httpx.Client, info: Any,
                                   auth: dict[str, str], jobs_url: Callable[..., str]) -> None:
    emu.set_faults([{"route": "jobs.create", "kind": "drop_after"}])
    with pytest.raises(httpx.TransportError):
        http.post(jobs_url(), json={"templateId": "X"}, headers=auth)
    assert len(emu.jobs(info.application_id)) == 1
    assert emu.counters()["jobs_created"] == 1


def test_malformed_json(emu: Emulator, http: httpx.Client, info: Any,
                        auth: dict[str, str], jobs_url: Callable[..., str]) -> None:
    emu.set_faults([{"route": "jobs.create", "kind": "malformed_json"}])
    response = http.post(jobs_url(), json={"templateId": "X"}, headers=auth)
    assert response.status_code == 201
    assert response.headers["Content-Type"] == "application/json"
    with pytest.raises(ValueError):
        json.loads(response.content)
    assert len(emu.jobs(info.application_id)) == 1


def test_forever_until_cleared(emu: Emulator, http: httpx.Client, auth: dict[str, str],
                               jobs_url: Callable[..., str]) -> None:
    emu.set_faults([{"route": "*", "kind": "status", "status": 500, "count": -1}])
    for _ in range(3):
        assert http.get(jobs_url(), headers=auth).status_code == 500
    emu.clear_faults()
    assert http.get(jobs_url(), headers=auth).status_code == 200


def test_faults_over_the_admin_api(http: httpx.Client, info: Any,
                                   auth: dict[str, str], jobs_url: Callable[..., str]) -> None:
    admin = info.admin_url
    posted = http.post(f"{admin}/faults", json=[{"route": "jobs.list", "kind": "status",
                                                 "status": 504}])
    assert posted.status_code == 200
    assert http.get(f"{admin}/faults").json()[0]["status"] == 504
    assert http.get(jobs_url(), headers=auth).status_code == 504
    assert http.get(f"{admin}/faults").json()[0]["applied"] == 1
    bad = http.post(f"{admin}/faults", json=[{"route": "nope", "kind": "status"}])
    assert bad.status_code == 400
    assert http.delete(f"{admin}/faults").status_code == 204
    assert http.get(f"{admin}/faults").json() == []


@pytest.mark.parametrize("spec, expected", [
    ("jobs.create:status=429,count=2,retry_after=1",
     {"route": "jobs.create", "kind": "status", "status": 429, "count": 2, "retry_after": 1}),
    ("jobs.create:status=503,retry_after=date:3",
     {"route": "jobs.create", "kind": "status", "status": 503, "retry_after": "date:3"}),
    ("jobs.create:status=429,retry_after=2.128",
     {"route": "jobs.create", "kind": "status", "status": 429, "retry_after": 2.128}),
    ("token:latency=1.5,count=-1",
     {"route": "token", "kind": "latency", "seconds": 1.5, "count": -1}),
    ("jobs.create:drop_after", {"route": "jobs.create", "kind": "drop_after"}),
    ("*:malformed_json", {"route": "*", "kind": "malformed_json"}),
])
def test_parse_fault_spec(spec: str, expected: dict[str, Any]) -> None:
    assert parse_fault_spec(spec) == expected


@pytest.mark.parametrize("spec", ["jobs.create", "nowhere:status=500", "jobs.create:explode",
                                  "jobs.create:drop_after=1", "jobs.create:status=429,count",
                                  "jobs.create:latency", "jobs.create:status=99"])
def test_parse_fault_spec_rejects(spec: str) -> None:
    with pytest.raises(ValueError):
        parse_fault_spec(spec)
