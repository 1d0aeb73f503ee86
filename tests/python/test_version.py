"""One version, declared once in pyproject.toml, everywhere a user or the other side reads it."""

from __future__ import annotations

import json
import re
import sys
import tomllib
from pathlib import Path

import pytest

import bridge
import bridge.powershell as powershell
from bridge._http_client import USER_AGENT
from bridge.protocol import dispatch

REPO = Path(__file__).resolve().parents[2]


def _declared() -> str:
    with open(REPO / "pyproject.toml", "rb") as f:
        return str(tomllib.load(f)["project"]["version"])


def test_every_copy_of_the_version_is_pyprojects() -> None:
    version = _declared()
    manifest = (REPO / "psmodule/MgBridge.psd1").read_text(encoding="utf-8")
    assert re.search(r"ModuleVersion\s*=\s*'([^']*)'", manifest).group(1) == version  # type: ignore[union-attr]
    assert bridge.__version__ == version
    assert USER_AGENT.startswith(f"mgbridge/{version} (New-MgApplicationSynchronizationJob) ")
    hello = dispatch({"v": 1, "id": 1, "op": "hello"})
    assert hello["ok"] and hello["result"]["package"] == version


def test_hello_with_the_same_module_version_is_answered() -> None:
    hello = dispatch({"v": 1, "id": 1, "op": "hello", "args": {"module": bridge.__version__}})
    assert hello["ok"], hello


def test_hello_from_another_module_version_is_refused_with_both_versions_and_the_fix() -> None:
    answer = dispatch({"v": 1, "id": 2, "op": "hello", "args": {"module": "9.9.9"}})
    assert not answer["ok"]
    error = answer["error"]
    assert error["errorId"] == "VersionMismatch" and error["category"] == "NotInstalled"
    assert f"The MgBridge module 9.9.9 met the Python core mgbridge {bridge.__version__}" in error["message"]
    assert f"& '{sys.executable}' -m pip install mgbridge==9.9.9" in error["message"]


@pytest.fixture
def packaged(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    # A stand-in for the release build that scripts/package puts inside the wheel.
    folder = tmp_path / "build" / "MgBridge"
    (folder / "bin").mkdir(parents=True)
    (folder / "MgBridge.psd1").write_text("@{ ModuleVersion = '%s' }\n" % bridge.__version__)
    (folder / "bin" / "MgBridge.Models.dll").write_bytes(b"MZ")
    monkeypatch.setattr(powershell, "packaged_module", lambda: folder)
    return folder


def test_install_copies_the_module_and_records_this_interpreter(packaged: Path, tmp_path: Path) -> None:
    modules = tmp_path / "Modules"
    target = powershell.install(modules)
    assert target == modules / "MgBridge" / bridge.__version__
    assert (target / "MgBridge.psd1").is_file() and (target / "bin" / "MgBridge.Models.dll").is_file()
    record = json.loads((target / "python.json").read_text())
    assert record["python"] == sys.executable and record["version"] == bridge.__version__
    assert not [p for p in (modules / "MgBridge").iterdir() if p.name.endswith(".tmp")]


def test_install_replaces_its_own_earlier_versions_and_leaves_others(packaged: Path, tmp_path: Path) -> None:
    modules = tmp_path / "Modules"
    old = modules / "MgBridge" / "0.0.1"
    old.mkdir(parents=True)
    (old / "python.json").write_text("{}")
    foreign = modules / "MgBridge" / "0.0.2"  # e.g. from Install-PSResource: no record
    foreign.mkdir()
    powershell.install(modules)
    assert not old.exists() and foreign.is_dir()
    assert powershell.uninstall(modules) == [modules / "MgBridge" / bridge.__version__]
    assert foreign.is_dir()


def test_uninstall_removes_the_folder_it_emptied(packaged: Path, tmp_path: Path) -> None:
    modules = tmp_path / "Modules"
    powershell.install(modules)
    powershell.uninstall(modules)
    assert not (modules / "MgBridge").exists()


def test_a_checkout_has_no_packaged_module_and_says_how_to_build_one() -> None:
    with pytest.raises(FileNotFoundError, match="bash scripts/package"):
        powershell.packaged_module()


def test_the_user_module_folder_is_powershells(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    if sys.platform == "win32":
        pytest.skip("the XDG rule is the Unix one")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    assert powershell.user_module_folder() == tmp_path / "powershell" / "Modules"
