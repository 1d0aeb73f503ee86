"""The packages as users install them, with no path back to the checkout.

Run by scripts/test after ``bash scripts/package`` (not part of the default pytest run:
it needs dist/). Each route gets a scratch HOME, and the Python core a scratch venv into
which only the wheel is installed; every child process runs in a scratch folder with an
environment that names nothing of the checkout (no PYTHONPATH, VIRTUAL_ENV, MGBRIDGE_*,
NUGET_PACKAGES), so the module and core can only be the installed copies:

- the wheel route: ``pip install <wheel>``, ``python -m bridge.powershell install``, then
  ``Import-Module MgBridge`` finds the module by name and its core by the recorded
  interpreter (no environment variable); ``uninstall`` removes it;
- the PowerShell package route: ``Register-PSResourceRepository`` on a folder holding only
  the nupkg, ``Install-PSResource MgBridge``, ``Import-Module MgBridge``, the core named by
  ``$env:MGBRIDGE_PYTHON`` (and, without it, an error naming every place looked);
- the Python API from the installed wheel.

The emulator itself is the installed wheel's ``python -m bridge.emulator``.
"""

from __future__ import annotations

import json
import os
import shutil
import ssl
import subprocess
import sys
import urllib.request
from pathlib import Path
from typing import Any, Iterator

import pytest

REPO = Path(__file__).resolve().parents[2]
DIST = REPO / "dist"
HERE = Path(__file__).resolve().parent
PWSH = shutil.which("pwsh") or str(Path.home() / ".dotnet" / "tools" / "pwsh")
TRANSPORTS = ["subprocess", "pythonnet"]


def _version() -> str:
    import tomllib
    with open(REPO / "pyproject.toml", "rb") as f:
        return str(tomllib.load(f)["project"]["version"])


VERSION = _version()


@pytest.fixture(scope="module")
def scratch(tmp_path_factory: pytest.TempPathFactory) -> Path:
    wheel = DIST / f"mgbridge-{VERSION}-py3-none-any.whl"
    nupkg = DIST / f"MgBridge.{VERSION}.nupkg"
    assert wheel.is_file() and nupkg.is_file(), "run bash scripts/package first"
    root = tmp_path_factory.mktemp("installed")
    # The packages are copied out of the checkout, so nothing installed can point into it.
    (root / "repository").mkdir()
    (root / "home").mkdir()
    shutil.copy2(nupkg, root / "repository")
    shutil.copy2(wheel, root)
    for script in ("Use-Installed.ps1", "use_installed.py"):
        shutil.copy2(HERE / script, root)
    # Debian's Python with Debian's packages (PyPI is not reachable); only the wheel on top.
    subprocess.run(["/usr/bin/python3", "-m", "venv", "--system-site-packages", str(root / "venv")],
                   check=True, cwd=root)
    subprocess.run([str(root / "venv/bin/python"), "-m", "pip", "install", "-q", "--no-deps",
                    "--no-index", str(root / wheel.name)], check=True, cwd=root, env=_env(root))
    return root


def _env(root: Path, home: Path | None = None, **extra: str) -> dict[str, str]:
    """A user's environment: a scratch HOME, pwsh and the system on PATH, nothing else of ours."""
    keep = ("LANG", "LC_ALL", "SSL_CERT_FILE", "REQUESTS_CA_BUNDLE", "DOTNET_ROOT", "TMPDIR")
    env = {k: os.environ[k] for k in keep if k in os.environ}
    env["HOME"] = str(home or root / "home")
    env["PATH"] = os.pathsep.join([str(Path(PWSH).parent), "/usr/local/bin", "/usr/bin", "/bin"])
    env["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1"
    env["POWERSHELL_TELEMETRY_OPTOUT"] = "1"
    env.update(extra)
    return env


@pytest.fixture(scope="module")
def installed_emulator(scratch: Path) -> Iterator[dict[str, Any]]:
    """The installed wheel's emulator: its info dict, plus ``file``, a 0600 copy of it."""
    process = subprocess.Popen([str(scratch / "venv/bin/python"), "-m", "bridge.emulator"],
                               stdout=subprocess.PIPE, text=True, cwd=scratch, env=_env(scratch))
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        assert line, "the installed emulator did not start"
        info = json.loads(line)
        path = scratch / "emulator.json"
        path.write_text(line, encoding="utf-8")
        path.chmod(0o600)
        info["file"] = str(path)
        yield info
    finally:
        process.kill()
        process.wait(30)


def _user_agents(info: dict[str, Any]) -> set[str]:
    context = ssl.create_default_context(cafile=info["ca_file"])
    with urllib.request.urlopen(f"{info['admin_url']}/requests", context=context) as answer:
        log = json.loads(answer.read())
    return {str(headers.get("User-Agent") or headers.get("user-agent"))
            for entry in log if entry.get("route") == "jobs.create"
            for headers in [entry.get("headers") or {}]}


def _pwsh(root: Path, env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([PWSH, "-NoProfile", "-NonInteractive", *args], capture_output=True,
                          text=True, cwd=root, env=env, timeout=600)


def _use_installed(root: Path, env: dict[str, str], info: dict[str, Any]) -> dict[str, Any]:
    result = _pwsh(root, env, "-File", str(root / "Use-Installed.ps1"), "-EmulatorInfo", info["file"])
    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.strip().splitlines()
    return {**json.loads(lines[-1]), "Output": "\n".join(lines[:-1])}


def _assert_installed_run(report: dict[str, Any], home: Path, venv: Path, transport: str) -> None:
    assert report["ModuleVersion"] == VERSION
    assert report["ModuleBase"].startswith(str(home)), report["ModuleBase"]
    assert report["CoreVersion"] == VERSION
    assert report["CoreLocation"].startswith(str(venv)), report["CoreLocation"]
    assert report["CoreExecutable"].startswith(str(venv)), report["CoreExecutable"]
    assert str(REPO) not in json.dumps(report)
    assert report["Transport"] == transport and report["Fallback"] is None
    assert report["JobId"].startswith("scim.")
    assert report["JobType"] == "Microsoft.Graph.PowerShell.Models.MicrosoftGraphSynchronizationJob", report["JobType"]
    assert report["Interval"] == "00:40:00"
    assert "What if: POST" in report["Output"] and "/synchronization/jobs" in report["Output"]
    assert "WARNING" not in report["Output"]
    # The release build compiles nothing: the types come from the package's own DLL and no
    # C# compiler (Roslyn, which Add-Type loads) is ever loaded.
    assert report["Models"] == [str(Path(report["ModuleBase"]) / "bin" / "MgBridge.Models.dll")]
    assert report["Compilers"] == []
    # A release build: merged scripts, precompiled types, a complete manifest, help.
    files = set(report["Files"])
    assert {"MgBridge.psd1", "MgBridge.psm1", "MgBridge.PythonNet.ps1", "bin/MgBridge.Models.dll",
            "bin/Python.Runtime.dll", "LICENSE"} <= files, files
    assert not [f for f in files if f.endswith((".cs", ".md")) or f.startswith(("Private/", "Public/", "subprocess/", "pythonnet/"))]
    assert files - {"python.json", "PSGetModuleInfo.xml"} == set(report["FileList"])
    assert report["Help"] == "Create new navigation property to jobs for applications"
    assert report["ProjectUri"].startswith("https://") and report["LicenseUri"].startswith("https://")
    assert report["ReleaseNotes"].startswith(f"MgBridge {VERSION}") and "### Added" in report["ReleaseNotes"]


@pytest.fixture(scope="module")
def wheel_home(scratch: Path) -> Path:
    home = scratch / "home-wheel"
    home.mkdir()
    result = subprocess.run([str(scratch / "venv/bin/python"), "-m", "bridge.powershell", "install"],
                            capture_output=True, text=True, cwd=scratch, env=_env(scratch, home))
    assert result.returncode == 0, result.stderr
    target = home / ".local/share/powershell/Modules/MgBridge" / VERSION
    assert f"installed MgBridge {VERSION} to {target}" in result.stdout
    assert json.loads((target / "python.json").read_text())["python"] == str(scratch / "venv/bin/python")
    return home


@pytest.mark.parametrize("transport", TRANSPORTS)
def test_wheel_route_finds_module_by_name_and_core_with_no_variable(
        scratch: Path, wheel_home: Path, installed_emulator: dict[str, Any],
        transport: str) -> None:
    cache = wheel_home / ".cache" / "mgbridge"
    env = _env(scratch, wheel_home, MGBRIDGE_TRANSPORT=transport, MGBRIDGE_CACHE=str(cache))
    report = _use_installed(scratch, env, installed_emulator)
    _assert_installed_run(report, wheel_home, scratch / "venv", transport)
    # Nothing compiled into the cache either (the pythonnet probe may cache its JSON).
    assert not [p for p in cache.rglob("*") if p.suffix in (".dll", ".ps1")] if cache.exists() else True
    assert f"mgbridge/{VERSION} " in " ".join(_user_agents(installed_emulator))


def test_wheel_route_uninstall_removes_the_module(
        scratch: Path, installed_emulator: dict[str, Any]) -> None:
    home = scratch / "home-uninstall"
    python = str(scratch / "venv/bin/python")
    env = _env(scratch, home)
    subprocess.run([python, "-m", "bridge.powershell", "install"], check=True, capture_output=True,
                   cwd=scratch, env=env)
    result = subprocess.run([python, "-m", "bridge.powershell", "uninstall"], capture_output=True,
                            text=True, cwd=scratch, env=env)
    assert result.returncode == 0, result.stderr
    assert "removed " in result.stdout
    listed = _pwsh(scratch, env, "-Command", "@(Get-Module -ListAvailable MgBridge).Count")
    assert listed.stdout.strip() == "0", listed.stdout + listed.stderr
    assert not (home / ".local/share/powershell/Modules/MgBridge").exists()


@pytest.fixture(scope="module")
def psresource_home(scratch: Path) -> Path:
    home = scratch / "home-psresource"
    home.mkdir()
    script = (f"Register-PSResourceRepository -Name MgBridgeLocal -Uri '{scratch / 'repository'}' -Trusted; "
              "Install-PSResource MgBridge -Repository MgBridgeLocal -Scope CurrentUser; "
              "(Get-Module -ListAvailable MgBridge).ModuleBase")
    result = _pwsh(scratch, _env(scratch, home), "-Command", script)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip().endswith(f"/MgBridge/{VERSION}"), result.stdout
    return home


@pytest.mark.parametrize("transport", TRANSPORTS)
def test_psresource_route_imports_by_name_with_the_core_named(
        scratch: Path, psresource_home: Path, installed_emulator: dict[str, Any],
        transport: str) -> None:
    env = _env(scratch, psresource_home, MGBRIDGE_TRANSPORT=transport,
               MGBRIDGE_PYTHON=str(scratch / "venv/bin/python"))
    report = _use_installed(scratch, env, installed_emulator)
    _assert_installed_run(report, psresource_home, scratch / "venv", transport)


def test_psresource_route_without_a_core_names_every_place_and_the_fix(
        scratch: Path, psresource_home: Path) -> None:
    script = ("Import-Module MgBridge; "
              "try { New-MgApplicationSynchronizationJob -ApplicationId a -TemplateId t -WhatIf } "
              "catch { $_.FullyQualifiedErrorId; $_.Exception.Message }")
    result = _pwsh(scratch, _env(scratch, psresource_home), "-Command", script)
    text = result.stdout
    assert "MgBridgePythonNotFound" in text, text + result.stderr
    for place in ("$env:MGBRIDGE_PYTHON: not set", "the interpreter recorded by python -m bridge.powershell install",
                  "$env:VIRTUAL_ENV: not set", "python3 on PATH: /usr/bin/python3"):
        assert place in text, text
    assert f"pip install mgbridge=={VERSION}" in text
    assert "$env:MGBRIDGE_PYTHON = " in text
    assert "WARNING" not in result.stdout + result.stderr  # auto fell back quietly


def test_python_api_from_the_installed_wheel(
        scratch: Path, installed_emulator: dict[str, Any]) -> None:
    result = subprocess.run([str(scratch / "venv/bin/python"), str(scratch / "use_installed.py"),
                             installed_emulator["file"]],
                            capture_output=True, text=True, cwd=scratch,
                            env=_env(scratch), timeout=300)
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["file"].startswith(str(scratch / "venv")), report["file"]
    assert report["version"] == VERSION
    assert report["user_agent"].startswith(f"mgbridge/{VERSION} ")
    assert report["job_id"].startswith("scim.")
    assert report["interval"] == "0:40:00"
