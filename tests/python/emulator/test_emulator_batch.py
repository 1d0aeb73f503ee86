"""JSON batching: ordering, dependsOn, 424, limits, inner faults."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from bridge.emulator import Emulator


@pytest.fixture
def batch_url(info: Any) -> str:
    return f"{info.graph_url}/v1.0/$batch"


def _path(info: Any, app_id: str | None = None) -> str:
    return f"/applications/{app_id or info.application_id}/synchronization/jobs"


def _create(rid: str, info: Any, **extra: Any) -> dict[str, Any]:
    return {"id": rid, "method": "POST", "url": _path(info),
            "headers": {"Content-Type": "application/json"}, "body": {"templateId": "B"},
            **extra}


def test_batch_with_depends_on(http: httpx.Client, info: Any, auth: dict[str, str],
                               batch_url: str, emu: Emulator) -> None:
    payload = {"requests": [
        {"id": "2", "method": "GET", "url": _path(info), "dependsOn": ["1"]},
        _create("1", info),
    ]}
    response = http.post(batch_url, json=payload, headers=auth)
    assert response.status_code == 200, response.text
    responses = {r["id"]: r for r in response.json()["responses"]}
    assert [r["id"] for r in response.json()["responses"]] == ["1", "2"]
    assert responses["1"]["status"] == 201
    assert responses["1"]["headers"]["Location"]
    created = responses["1"]["body"]["id"]
    assert responses["2"]["status"] == 200
    assert [j["id"] for j in responses["2"]["body"]["value"]] == [created]
    counters = emu.counters()
    assert counters["routes"]["batch"] == 1
    assert counters["routes"]["jobs.create"] == 1 and counters["routes"]["jobs.list"] == 1
    assert counters["total"] == 1


def test_failed_dependency_is_424(http: httpx.Client, info: Any,
                                  auth: dict[str, str], batch_url: str) -> None:
    payload = {"requests": [
        {"id": "a", "method": "GET", "url": _path(info, "missing-app")},
        {"id": "b", "method": "GET", "url": _path(info), "dependsOn": ["a"]},
        {"id": "c", "method": "GET", "url": _path(info), "dependsOn": ["b"]},
        {"id": "d", "method": "GET", "url": _path(info)},
    ]}
    responses = {r["id"]: r for r in http.post(batch_url, json=payload,
                                               headers=auth).json()["responses"]}
    assert responses["a"]["status"] == 404
    assert responses["b"]["status"] == 424 and responses["c"]["status"] == 424
    assert responses["d"]["status"] == 200


@pytest.mark.parametrize("payload, fragment", [
    ({"requests": [{"id": str(i), "method": "GET", "url": "/x"} for i in range(21)]},
     "limit of 20"),
    ({"requests": [{"id": "1", "method": "POST", "url": "/x", "body": {}}]},
     "does not contain Content-Type header or body"),
    ({"requests": [{"id": "1", "method": "GET", "url": "/x"},
                   {"id": "1", "method": "GET", "url": "/y"}]}, "duplicate"),
    ({"requests": [{"id": "1", "method": "GET", "url": "/x", "dependsOn": ["9"]}]},
     "unknown request id"),
    ({"requests": [{"id": "1", "method": "GET", "url": "/x", "dependsOn": ["2"]},
                   {"id": "2", "method": "GET", "url": "/x", "dependsOn": ["1"]}]}, "circular"),
    ({"value": []}, "Invalid batch payload"),
])
def test_invalid_batches_are_400(http: httpx.Client, auth: dict[str, str], batch_url: str,
                                 payload: Any, fragment: str) -> None:
    response = http.post(batch_url, json=payload, headers=auth)
    assert response.status_code == 400
    assert fragment in response.json()["error"]["message"]


def test_exactly_twenty_requests_are_fine(http: httpx.Client, info: Any,
                                          auth: dict[str, str], batch_url: str) -> None:
    payload = {"requests": [{"id": str(i), "method": "GET", "url": _path(info)}
                            for i in range(20)]}
    response = http.post(batch_url, json=payload, headers=auth)
    assert response.status_code == 200
    assert {r["status"] for r in response.json()["responses"]} == {200}


def test_batch_needs_a_token(http: httpx.Client, info: Any, batch_url: str) -> None:
    response = http.post(batch_url, json={"requests": [_create("1", info)]})
    assert response.status_code == 401


def test_inner_requests_take_status_faults(emu: Emulator, http: httpx.Client,
                                           info: Any, auth: dict[str, str],
                                           batch_url: str) -> None:
    emu.set_faults([{"route": "jobs.create", "kind": "status", "status": 429,
                     "retry_after": 3, "count": 1}])
    payload = {"requests": [_create("1", info), _create("2", info)]}
    responses = {r["id"]: r for r in http.post(batch_url, json=payload,
                                               headers=auth).json()["responses"]}
    assert responses["1"]["status"] == 429
    assert responses["1"]["headers"]["Retry-After"] == "3"
    assert responses["1"]["body"]["error"]["code"] == "TooManyRequests"
    assert responses["2"]["status"] == 201
    assert len(emu.jobs(info.application_id)) == 1


def test_inner_requests_keep_drop_faults_for_top_level(emu: Emulator, http: httpx.Client,
                                                       info: Any,
                                                       auth: dict[str, str],
                                                       batch_url: str) -> None:
    emu.set_faults([{"route": "jobs.create", "kind": "drop_before"}])
    response = http.post(batch_url, json={"requests": [_create("1", info)]}, headers=auth)
    assert response.json()["responses"][0]["status"] == 201
    assert emu.faults()[0]["count"] == 1
