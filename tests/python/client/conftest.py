"""Fixtures for the transport tests: one emulator per session, a connected client, a clean env."""

from __future__ import annotations

import os
from types import SimpleNamespace
from typing import Any, Callable, Iterator

import pytest

from bridge import _auth, _client
from bridge._auth import Connection, connect
from bridge._client import GraphClient
from bridge._environments import add_environment, remove_environment
from bridge._request import GraphRequest, jobs_path
from bridge.emulator import Emulator

_SCRUBBED_PREFIXES = ("AZURE_", "IDENTITY_", "MSI_", "MGBRIDGE_", "IMDS_")
_SCRUBBED = ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY", "http_proxy", "https_proxy",
             "all_proxy", "no_proxy")


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """No AZURE_*/IDENTITY_*/MSI_*/MGBRIDGE_*/proxy variables leak in; no connection leaks out."""
    for name in list(os.environ):
        if name.startswith(_SCRUBBED_PREFIXES) or name in _SCRUBBED:
            monkeypatch.delenv(name, raising=False)
    yield
    _auth.disconnect()
    _client.reset_request_context()
    _client.select_profile("v1.0")


@pytest.fixture(scope="session")
def emulator() -> Iterator[Emulator]:
    with Emulator() as emu:
        yield emu


@pytest.fixture(scope="session")
def info(emulator: Emulator) -> Any:
    """``emulator.info`` with attribute access."""
    return SimpleNamespace(**emulator.info)


@pytest.fixture(scope="session")
def emu_env_name(info: Any) -> Iterator[str]:
    name = f"Emulator-client-{info.port}"
    add_environment(name, info.login_url, info.graph_url, ca_file=info.ca_file)
    yield name
    remove_environment(name)


@pytest.fixture()
def emu(emulator: Emulator) -> Emulator:
    """The session emulator with no faults, jobs, counters or request log left over."""
    emulator.reset()
    return emulator


@pytest.fixture()
def conn(emu: Emulator, info: Any, emu_env_name: str) -> Iterator[Connection]:
    connection = connect(client_id=info.client_id, tenant_id=info.tenant_id,
                         client_secret=info.client_secret, environment=emu_env_name)
    emu.reset()  # counters start after sign-in
    yield connection
    connection.disconnect()


@pytest.fixture()
def make_client(conn: Connection) -> Callable[..., GraphClient]:
    def make(**kwargs: Any) -> GraphClient:
        kwargs.setdefault("retry_delay", 0.05)
        return GraphClient(conn, **kwargs)
    return make


@pytest.fixture()
def job_request(info: Any) -> GraphRequest:
    return GraphRequest("POST", jobs_path(info.application_id),
                        body={"templateId": "AWSSingleSignon"})
