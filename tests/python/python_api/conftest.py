"""Fixtures for the Python face: a small azure-core-style credential (``emu`` and
``info`` come from tests/python/conftest.py)."""

from __future__ import annotations

import time
from typing import Any, NamedTuple

import httpx
import pytest


class AzureAccessToken(NamedTuple):
    """azure-core's ``AccessToken``, field for field (azure-core is not installed here)."""

    token: str
    expires_on: int


class EmulatorCredential:
    """A minimal credential following azure-core's TokenCredential protocol.

    It asks the emulator's token endpoint itself (client credentials over TLS),
    as azure-identity's ClientSecretCredential would ask Entra ID.
    """

    def __init__(self, info: Any) -> None:
        self._info = info
        self.calls: list[tuple[str, ...]] = []

    def get_token(self, *scopes: str, claims: Any = None, tenant_id: Any = None,
                  **kwargs: Any) -> AzureAccessToken:
        self.calls.append(scopes)
        response = httpx.post(f"{self._info.authority}/oauth2/v2.0/token",
                              data={"grant_type": "client_credentials",
                                    "client_id": self._info.client_id,
                                    "client_secret": self._info.client_secret,
                                    "scope": " ".join(scopes)},
                              verify=self._info.ca_file)
        response.raise_for_status()
        body = response.json()
        return AzureAccessToken(body["access_token"], int(time.time()) + int(body["expires_in"]))


class AsyncEmulatorCredential:
    """The same credential in azure-core's AsyncTokenCredential form."""

    def __init__(self, info: Any) -> None:
        self._info = info
        self.calls: list[tuple[str, ...]] = []

    async def get_token(self, *scopes: str, **kwargs: Any) -> AzureAccessToken:
        self.calls.append(scopes)
        async with httpx.AsyncClient(verify=self._info.ca_file) as http:
            response = await http.post(f"{self._info.authority}/oauth2/v2.0/token",
                                       data={"grant_type": "client_credentials",
                                             "client_id": self._info.client_id,
                                             "client_secret": self._info.client_secret,
                                             "scope": " ".join(scopes)})
        response.raise_for_status()
        body = response.json()
        return AzureAccessToken(body["access_token"], int(time.time()) + int(body["expires_in"]))


@pytest.fixture()
def credential(info: Any) -> EmulatorCredential:
    return EmulatorCredential(info)


@pytest.fixture()
def async_credential(info: Any) -> AsyncEmulatorCredential:
    return AsyncEmulatorCredential(info)
