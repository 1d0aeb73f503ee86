"""Shared fixtures: one emulator per test session, a clean slate for every test."""

from __future__ import annotations

from typing import Any, Callable, Iterator

import httpx
import pytest

from bridge.emulator import Emulator

GRAPH_SCOPE = "https://graph.microsoft.com/.default"



@pytest.fixture(scope="session")
def emu(emulator: Emulator) -> Emulator:
    """The session's emulator (from tests/python/conftest.py)."""
    return emulator


@pytest.fixture(autouse=True)
def _clean(emu: Emulator) -> Iterator[None]:
    """Every test starts with no jobs, faults, counters or log, and default config."""
    emu.reset()
    emu.configure(token_lifetime=3600, strict_properties=True)
    yield
    emu.clear_faults()


@pytest.fixture(scope="session")
def info(emu: Emulator) -> dict[str, Any]:
    """The emulator's info dict."""
    return emu.info


@pytest.fixture(scope="session")
def http(info: dict[str, Any]) -> Iterator[httpx.Client]:
    """A pooled client that trusts only the emulator's CA and ignores the environment."""
    with httpx.Client(verify=info["ca_file"], trust_env=False, timeout=10) as client:
        yield client


def fetch_token(http: httpx.Client, info: dict[str, Any], client_id: str, secret: str,
                scope: str = GRAPH_SCOPE) -> str:
    """A client-credentials access token."""
    response = http.post(f"{info['authority']}/oauth2/v2.0/token", data={
        "grant_type": "client_credentials", "client_id": client_id, "client_secret": secret,
        "scope": scope})
    assert response.status_code == 200, response.text
    return str(response.json()["access_token"])


@pytest.fixture(scope="session")
def get_token(http: httpx.Client, info: dict[str, Any]) -> Callable[..., str]:
    """``get_token(client_id, secret, scope=GRAPH_SCOPE)`` -> a client-credentials token."""
    return lambda client_id, secret, scope=GRAPH_SCOPE: fetch_token(http, info, client_id,
                                                                      secret, scope)


@pytest.fixture(scope="session")
def token(http: httpx.Client, info: dict[str, Any]) -> str:
    """A Synchronization.ReadWrite.All app token."""
    return fetch_token(http, info, info["client_id"], info["client_secret"])


@pytest.fixture(scope="session")
def auth(token: str) -> dict[str, str]:
    """The Authorization header for :func:`token`."""
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture(scope="session")
def jobs_url(info: dict[str, Any]) -> Callable[..., str]:
    """``jobs_url(app_id=None, version="v1.0", collection="applications", job=None)``."""
    def build(app_id: str | None = None, version: str = "v1.0",
              collection: str = "applications", job: str | None = None) -> str:
        url = (f"{info['graph_url']}/{version}/{collection}/"
               f"{app_id or info['application_id']}/synchronization/jobs")
        return f"{url}/{job}" if job else url
    return build
