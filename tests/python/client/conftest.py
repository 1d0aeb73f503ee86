"""Fixtures for the transport tests: a connected client (``emu``, ``info`` and the
environment scrub come from tests/python/conftest.py)."""

from __future__ import annotations

from typing import Any, Callable, Iterator

import pytest

from bridge._auth import connect
from bridge._connection import Connection
from bridge._client import GraphClient
from bridge._request import GraphRequest, jobs_path
from bridge.emulator import Emulator


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
