"""Keep the core's start-up lean: imported first by ``bridge/__init__``.

httpx 0.23 imports its optional command line (``httpx._main``, which pulls in
click, rich and pygments) whenever those happen to be installed, as they are on
Debian. The core never uses that command line, and loading it costs ~130 ms and
~7 MB in every process that imports the core (the pwsh process itself, with the
pythonnet transport). When httpx is not imported yet, a stand-in ``httpx._main``
is registered whose ``main`` explains itself; ``python -m httpx`` and the
``httpx`` console script are unaffected (they run in their own processes).
"""

from __future__ import annotations

import sys
import types


def _httpx_cli_not_loaded() -> None:
    raise SystemExit("the httpx command line was not loaded in this process (see bridge._lean_imports)")


if "httpx" not in sys.modules and "httpx._main" not in sys.modules:
    _stub = types.ModuleType("httpx._main")
    _stub.main = _httpx_cli_not_loaded  # type: ignore[attr-defined]
    sys.modules["httpx._main"] = _stub
