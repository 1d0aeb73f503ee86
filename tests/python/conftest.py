"""Shared pytest setup for every Python test.

- the repository root on sys.path (for scripts.codegen);
- no AZURE_*/IDENTITY_*/MSI_*/MGBRIDGE_*/IMDS_* or proxy variable from the machine
  leaks into a test, and no connection or request setting leaks out of one;
- one Graph emulator per test session (HTTPS on loopback, its own CA), and a
  user-defined environment that points at it and trusts its CA.

Emulator fixtures, one name per meaning:
  emulator      the session's Emulator as it is (for session-scoped fixtures);
  emu           the same Emulator, reset for the test taking it (the one tests take);
  info          its info (URLs, ids, secrets) with attribute access;
  emu_env_name  the name of an environment pointing at it.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from types import SimpleNamespace
from typing import Any, Iterator

import pytest

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bridge import _auth, _settings  # noqa: E402
from bridge._environments import add_environment, remove_environment  # noqa: E402
from bridge.emulator import Emulator  # noqa: E402

_SCRUBBED_PREFIXES = ("AZURE_", "IDENTITY_", "MSI_", "MGBRIDGE_", "IMDS_")
_SCRUBBED = ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY", "http_proxy", "https_proxy",
             "all_proxy", "no_proxy")


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """No identity/proxy variables leak in; no connection or request context leaks out."""
    for name in list(os.environ):
        if name.startswith(_SCRUBBED_PREFIXES) or name in _SCRUBBED:
            monkeypatch.delenv(name, raising=False)
    yield
    _auth.disconnect()
    _settings.reset_request_context()
    _settings.select_profile("v1.0")


@pytest.fixture(scope="session")
def emulator() -> Iterator[Emulator]:
    """The session's emulator as it is, with whatever earlier tests left in it.

    For session- and module-scoped fixtures (registering clients, fetching tokens);
    tests take :func:`emu`. Device codes poll every second to keep tests quick.
    """
    with Emulator(device_code_interval=1) as running:
        yield running


@pytest.fixture(scope="session")
def _emulator_config(emulator: Emulator) -> dict[str, Any]:
    """The emulator's configuration as the session started it."""
    return emulator.configure()


@pytest.fixture()
def emu(emulator: Emulator, _emulator_config: dict[str, Any]) -> Iterator[Emulator]:
    """The session's emulator, reset for this test.

    It starts with no jobs, faults, counters, request log or device codes and with the
    session's starting configuration (registered clients and applications stay); the
    faults and configuration the test set are undone afterwards as well.
    """
    emulator.reset()
    emulator.configure(**_emulator_config)
    yield emulator
    emulator.clear_faults()
    emulator.configure(**_emulator_config)


@pytest.fixture(scope="session")
def info(emulator: Emulator) -> Any:
    """The emulator's info (``Emulator.info``) with attribute access: ``info.graph_url``."""
    return SimpleNamespace(**emulator.info)


@pytest.fixture(scope="session")
def emu_env_name(info: Any) -> Iterator[str]:
    """A user-defined environment pointing at the emulator, trusting its CA."""
    name = f"Emulator-tests-{info.port}"
    add_environment(name, info.login_url, info.graph_url, ca_file=info.ca_file)
    yield name
    remove_environment(name)
