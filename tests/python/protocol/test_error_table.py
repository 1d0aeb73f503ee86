"""One error table: the classes, the wire form and the PowerShell shim all agree with it."""

import re
from pathlib import Path

import pytest

from bridge import _exceptions
from bridge._exceptions import ERROR_IDS, BridgeError, GraphError
from bridge.protocol import ERROR_TABLE, error_to_dict
from bridge.protocol._errors import SHIM_ERROR_IDS

ROOT = Path(__file__).resolve().parents[3]

# The shim's own error responses: BridgeResponse.Error(id, "X", "Y") in C# and
# [MgBridge.BridgeResponse]::Error($id, 'X', 'Y') in PowerShell, and the pythonnet
# transport's literal @{ errorId = 'X'; category = 'Y' }.
_SHIM_PAIR = re.compile(r"""BridgeResponse\]?(?:\.|::)Error\([^,]+, ['"](\w+)['"], ['"](\w+)['"]"""
                        r"|errorId = '(\w+)'; category = '(\w+)'")


def _shim_pairs() -> set[tuple[str, str]]:
    pairs = set()
    for source in (ROOT / "psmodule").rglob("*"):
        if source.suffix not in (".ps1", ".cs"):
            continue
        for m in _SHIM_PAIR.finditer(source.read_text(encoding="utf-8")):
            pairs.add((m.group(1) or m.group(3), m.group(2) or m.group(4)))
    return pairs


def test_shim_errors_use_the_tables_ids_and_categories() -> None:
    known = {error_id: category for _, error_id, category in ERROR_TABLE if error_id}
    known.update(SHIM_ERROR_IDS)
    pairs = _shim_pairs()
    assert ("HelperExited", "ResourceUnavailable") in pairs  # the scan finds the shim's errors
    for error_id, category in pairs:
        assert known.get(error_id) == category, (error_id, category, known.get(error_id))


@pytest.mark.parametrize("name", [n for n in ERROR_IDS if n != "Exception"])
def test_each_class_reads_its_row(name: str) -> None:
    cls = next(c for c, _, _ in ERROR_TABLE if c.__name__ == name)
    error_id, category = ERROR_IDS[name]
    assert cls.category == category  # type: ignore[attr-defined]
    if error_id is not None:
        assert cls.error_id == error_id  # type: ignore[attr-defined]


def test_to_dict_and_the_wire_form_agree() -> None:
    for cls, _, _ in ERROR_TABLE:
        if not issubclass(cls, BridgeError) or cls is GraphError:
            continue
        try:
            exc = cls("boom")
        except TypeError:
            continue  # VersionMismatch takes versions, not a message
        wire = error_to_dict(exc)
        assert (exc.to_dict()["errorId"], exc.to_dict()["category"]) == \
            (wire["errorId"], wire["category"])
    graph = GraphError(404, "Request_ResourceNotFound", "gone")
    assert error_to_dict(graph)["errorId"] == graph.error_id == "Request_ResourceNotFound"


def test_every_row_names_a_class() -> None:
    names = [cls.__name__ for cls, _, _ in ERROR_TABLE]
    assert names == list(ERROR_IDS)
    assert set(_exceptions.__all__) - {"TimeoutError_"} <= set(names)
