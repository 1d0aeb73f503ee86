"""The public names of the package: pinned both ways, and every error class exported.

For each public module, ``__all__`` is exactly the pinned list (a name added, removed
or renamed is an API change and shows up here), every name listed exists, and every
public attribute of the module is listed (submodules, imported modules and
``from __future__`` flags aside).
"""

import __future__
import ast
import importlib
import inspect
import subprocess
import sys
import types
from pathlib import Path

import pytest

import bridge
from bridge import _exceptions

ROOT = Path(__file__).resolve().parents[3]

PINNED = {
    "bridge": [
        "AccessToken", "AccessTokenLike", "AsyncTokenCredential", "AuthType",
        "AuthenticationError", "BindingError", "BindingWarning", "BridgeError",
        "BridgeTimeoutError", "ClientSecretPair", "Connection", "Context", "ContextScope",
        "GraphClient", "GraphEnvironment", "GraphError", "GraphModel", "GraphRequest",
        "GraphResponse", "NetworkError", "OutcomeWarning", "ParameterSetError", "ProtocolError",
        "RequestContext", "RetryExhaustedError", "RetryPolicy", "SpecError", "SynchronizationJob",
        "TimeoutError_", "TokenCredential", "TokenCredentialType", "TokenProvider",
        "TransportError", "UNSET", "add_environment", "bind", "capture_http_debug", "connect",
        "disconnect", "get_connection", "get_context", "get_default_client", "get_environment",
        "get_profile", "get_request_context", "new_application_synchronization_job",
        "remove_environment", "reset_request_context", "select_profile", "set_request_context",
    ],
    "bridge.aio": [
        "AsyncGraphClient", "CancelledCreate", "connect", "disconnect", "get_default_client",
        "new_application_synchronization_job",
    ],
    "bridge.protocol": [
        "Cancelled", "ERROR_TABLE", "ForeignValue", "OPS", "PROTOCOL_VERSION",
        "SUPPORTED_VERSIONS", "TAG", "TYPE_NAMES", "decode_value", "dispatch", "error_to_dict",
        "handle_json",
    ],
    "bridge.emulator": ["Emulator", "FAULT_KINDS", "ROUTE_KEYS", "parse_fault_spec"],
    "bridge.powershell": [
        "MODULE_NAME", "RECORD_NAME", "install", "packaged_module", "uninstall",
        "user_module_folder",
    ],
}
# Public too, with a list generated from the spec (pinned by the spec itself).
UNPINNED = ["bridge.models"]
# Modules whose every public attribute is API (re-exporting facades and generated
# models). bridge.powershell is the installer itself; its module-level imports
# (Path, Optional) are not API, so only its pinned list is checked.
COMPLETE = ["bridge", "bridge.aio", "bridge.protocol", "bridge.emulator", "bridge.models"]


def _public_attributes(module: types.ModuleType) -> set[str]:
    return {name for name, value in vars(module).items()
            if not name.startswith("_") and not isinstance(value, types.ModuleType)
            and not isinstance(value, __future__._Feature)}


@pytest.mark.parametrize("name", sorted(PINNED))
def test_all_is_the_pinned_list(name):
    exported = importlib.import_module(name).__all__
    assert len(exported) == len(set(exported)), f"{name}.__all__ lists a name twice"
    assert sorted(exported) == sorted(PINNED[name])


@pytest.mark.parametrize("name", sorted(PINNED) + UNPINNED)
def test_every_listed_name_exists(name):
    module = importlib.import_module(name)
    assert [n for n in module.__all__ if not hasattr(module, n)] == []


@pytest.mark.parametrize("name", COMPLETE)
def test_every_public_attribute_is_listed(name):
    module = importlib.import_module(name)
    assert sorted(_public_attributes(module) - set(module.__all__)) == []


def test_every_exception_class_is_exported():
    classes = {n for n, o in inspect.getmembers(_exceptions, inspect.isclass)
               if issubclass(o, Exception) and o.__module__ == _exceptions.__name__}
    assert classes <= set(bridge.__all__)
    assert classes == set(_exceptions.__all__)


def test_error_tree():
    assert issubclass(bridge.BindingError, bridge.BridgeError)
    assert issubclass(bridge.ParameterSetError, bridge.BindingError)
    assert issubclass(bridge.RetryExhaustedError, bridge.TransportError)
    err = bridge.GraphError(404, "Request_ResourceNotFound", "gone", request_id="r")
    assert str(err) == "[Request_ResourceNotFound] : gone"
    assert err.error_id == "Request_ResourceNotFound" and err.status == 404


def test_py_typed_marker_is_shipped():
    from importlib import resources
    assert resources.files("bridge").joinpath("py.typed").is_file()


def test_bridge_imports_its_names_on_first_use() -> None:
    # ``import bridge`` loads neither httpx nor msal (PEP 562 lazy names); each name still
    # resolves, to the object its module defines, loading what that module needs.
    code = ("import sys, bridge; before = sorted(m for m in ('httpx', 'msal') if m in sys.modules); "
            "from bridge._auth import connect; "
            "print(before, bridge.connect is connect, 'httpx' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         timeout=60, cwd=ROOT).stdout.split()
    assert out == ["[]", "True", "True"]


def test_lazy_names_match_the_type_checking_imports() -> None:
    # bridge/__init__.py says where each name lives twice: _EXPORTS for the run time, the
    # ``if _TYPE_CHECKING:`` imports for type checkers. They must agree, and cover __all__.
    tree = ast.parse((ROOT / "bridge" / "__init__.py").read_text(encoding="utf-8"))
    block = next(node for node in tree.body
                 if isinstance(node, ast.If) and ast.unparse(node.test) == "_TYPE_CHECKING")
    typed = {alias.name: (node.module or "") for node in block.body
             if isinstance(node, ast.ImportFrom) for alias in node.names}
    assert typed == bridge._EXPORTS
    assert set(bridge._EXPORTS) == set(bridge.__all__)
