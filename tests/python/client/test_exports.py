"""Each module's ``__all__`` names exactly its public API, every bridge error maps, doctests run."""

from __future__ import annotations

import doctest
import importlib
import inspect

import pytest

MODULES = ["bridge._redact", "bridge._environments", "bridge._retry", "bridge._exception_seam",
           "bridge._http_log", "bridge._http_client", "bridge._response",
           "bridge.aio._client", "bridge.aio._api", "bridge._client_core", "bridge._dedup",
           "bridge._create", "bridge._steps",
           "bridge._settings",
           "bridge._auth", "bridge._managed_identity", "bridge._client", "bridge._credentials",
           "bridge._caller", "bridge._tokens", "bridge._context", "bridge._token_cache",
           "bridge._certificates", "bridge._token_providers", "bridge._connection",
           "bridge._sign_in"]


@pytest.mark.parametrize("name", MODULES)
def test_all_lists_the_public_names(name: str) -> None:
    module = importlib.import_module(name)
    exported = set(module.__all__)
    assert all(hasattr(module, item) for item in exported)
    defined = {key for key, value in vars(module).items()
               if not key.startswith("_") and (inspect.isclass(value) or inspect.isfunction(value))
               and getattr(value, "__module__", None) == name}
    assert defined <= exported, f"public but not exported: {sorted(defined - exported)}"


@pytest.mark.parametrize("name", ["bridge._redact", "bridge._retry", "bridge._environments",
                                  "bridge._tokens"])
def test_doctests(name: str) -> None:
    result = doctest.testmod(importlib.import_module(name))
    assert result.failed == 0
