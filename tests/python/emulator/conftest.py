"""Fixtures for the emulator's own tests: every test starts on a fresh emulator, an
HTTP client trusting its CA, tokens (``emu`` and ``info`` come from tests/python/conftest.py)."""

from __future__ import annotations

from typing import Any, Callable, Iterator

import httpx
import pytest

from bridge.emulator import Emulator

GRAPH_SCOPE = "https://graph.microsoft.com/.default"


@pytest.fixture(autouse=True)
def _fresh_emulator(emu: Emulator) -> None:
    """Every test here starts on a reset emulator, whether it takes ``emu`` or not."""


@pytest.fixture(scope="session")
def http(info: Any) -> Iterator[httpx.Client]:
    """A pooled client that trusts only the emulator's CA and ignores the environment."""
    with httpx.Client(verify=info.ca_file, trust_env=False, timeout=10) as client:
        yield client


def fetch_token(http: httpx.Client, info: Any, client_id: str, secret: str,
                scope: str = GRAPH_SCOPE) -> str:
    """A client-credentials access token."""
    response = http.post(f"{info.authority}/oauth2/v2.0/token", data={
        "grant_type": "client_credentials", "client_id": client_id, "client_secret": secret,
        "scope": scope})
    assert response.status_code == 200, response.text
    return str(response.json()["access_token"])


@pytest.fixture(scope="session")
def get_token(http: httpx.Client, info: Any) -> Callable[..., str]:
    """``get_token(client_id, secret, scope=GRAPH_SCOPE)`` -> a client-credentials token."""
    return lambda client_id, secret, scope=GRAPH_SCOPE: fetch_token(http, info, client_id,
                                                                      secret, scope)


@pytest.fixture(scope="session")
def token(http: httpx.Client, info: Any) -> str:
    """A Synchronization.ReadWrite.All app token."""
    return fetch_token(http, info, info.client_id, info.client_secret)


@pytest.fixture(scope="session")
def auth(token: str) -> dict[str, str]:
    """The Authorization header for :func:`token`."""
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture(scope="session")
def jobs_url(info: Any) -> Callable[..., str]:
    """``jobs_url(app_id=None, version="v1.0", collection="applications", job=None)``."""
    def build(app_id: str | None = None, version: str = "v1.0",
              collection: str = "applications", job: str | None = None) -> str:
        url = (f"{info.graph_url}/{version}/{collection}/"
               f"{app_id or info.application_id}/synchronization/jobs")
        return f"{url}/{job}" if job else url
    return build
