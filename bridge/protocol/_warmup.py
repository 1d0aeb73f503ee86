"""The core's own import, on a thread, once 'hello' has been answered.

The subprocess helper answers 'hello' as soon as the protocol modules are loaded; httpx,
msal and the rest of the core (~100-250 ms) are then imported on a thread while PowerShell
prepares its first calls (docs/performance.md, cold start). Each op waits for the part of the
core it needs before it runs, so no op imports a module while that thread may be importing it
(two threads importing modules that import each other can deadlock). Without a 'hello' first
(the Python API, direct dispatch in tests), nothing waits.
"""

from __future__ import annotations

import importlib
import importlib.util
import threading

__all__ = ["DEPENDENCIES", "LIGHT_OPS", "check_dependencies", "start", "wait"]

#: What the local-state ops (LIGHT_OPS) use, imported first.
_LIGHT_MODULES = ("bridge._environments", "bridge._settings")
#: The rest of the core: sign-in, the Graph client, the call itself.
_CORE_MODULES = ("bridge._api", "bridge._client", "bridge._auth", "bridge._http_log", "bridge.protocol._view")
#: The third-party packages the core cannot run without (pyproject.toml's dependencies, by
#: their import names; tests/python/protocol/test_dispatch.py keeps them equal).
DEPENDENCIES = ("httpx", "msal", "yaml", "cryptography")

LIGHT_OPS = frozenset({"environments", "request_context", "profile"})
#: Ops that use nothing of the core.
_FREE_OPS = frozenset({"hello", "cancel", "shutdown"})

_light = threading.Event()
_core = threading.Event()
_started = False
_lock = threading.Lock()


def check_dependencies() -> None:
    """Raise ModuleNotFoundError for a dependency this interpreter lacks, without importing it.

    So an interpreter without httpx or msal fails the shim's probe ('hello'), not the first
    real call.
    """
    for name in DEPENDENCIES:
        try:
            found = importlib.util.find_spec(name) is not None
        except (ImportError, ValueError):  # ValueError: a None in sys.modules blocks the import
            found = False
        if not found:
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)


def start() -> None:
    """Start importing the core on a daemon thread (once per process)."""
    global _started
    with _lock:
        if _started:
            return
        _started = True
    threading.Thread(target=_run, name="bridge-core-import", daemon=True).start()


def wait(op: object) -> None:
    """Block until what ``op`` uses is imported (at once when no import was started)."""
    if not _started or op in _FREE_OPS:
        return
    (_light if op in LIGHT_OPS else _core).wait()


def _run() -> None:
    try:
        _import(_LIGHT_MODULES)
    finally:
        _light.set()
    try:
        _import(_CORE_MODULES)
    finally:
        _core.set()


def _import(names: tuple[str, ...]) -> None:
    for name in names:
        try:
            importlib.import_module(name)
        except Exception:  # the op that needs it imports it again and reports the error
            pass
