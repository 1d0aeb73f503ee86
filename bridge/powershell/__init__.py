"""Put the PowerShell module MgBridge, shipped inside this package, where PowerShell finds it.

``python -m bridge.powershell install`` copies the module to the current user's module
folder (``~/.local/share/powershell/Modules`` on Linux and macOS,
``Documents\\PowerShell\\Modules`` on Windows) or to ``--path``, as
``<folder>/MgBridge/<version>/``, and records this interpreter (``sys.executable``) in
``python.json`` beside the manifest, so ``Import-Module MgBridge`` finds its core with no
environment variable. ``uninstall`` removes what ``install`` put there. The module folder
is the release build made by ``bash scripts/package``; a checkout has none (its module is
``psmodule/``, imported by path).
"""

from __future__ import annotations

import json
import os
import shutil
import sys
from pathlib import Path
from typing import Optional

from bridge._version import __version__

__all__ = ["MODULE_NAME", "RECORD_NAME", "packaged_module", "user_module_folder", "install",
           "uninstall"]

MODULE_NAME = "MgBridge"
#: The file, beside the installed manifest, that names the interpreter the module runs.
RECORD_NAME = "python.json"


def packaged_module() -> Path:
    """The release build of the module inside this package.

    Raises:
        FileNotFoundError: this copy of the package has none (a checkout, or a wheel built
            without ``bash scripts/package``).
    """
    folder = Path(__file__).resolve().parent / MODULE_NAME
    if not (folder / f"{MODULE_NAME}.psd1").is_file():
        raise FileNotFoundError(
            f"this copy of mgbridge ({Path(__file__).resolve().parents[1]}) carries no packaged "
            f"PowerShell module: in a checkout, build the packages with 'bash scripts/package' "
            f"(then pip install dist/mgbridge-{__version__}-py3-none-any.whl), or import the "
            f"module from source: Import-Module <checkout>/psmodule/MgBridge.psd1")
    return folder


def user_module_folder() -> Path:
    """The current user's module folder, the one PowerShell 7 puts first on PSModulePath."""
    if os.name == "nt":
        documents = Path(os.environ.get("USERPROFILE", Path.home())) / "Documents"
        return documents / "PowerShell" / "Modules"
    data = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(data) / "powershell" / "Modules"


def install(path: Optional[os.PathLike[str] | str] = None) -> Path:
    """Install the packaged module into ``path`` (default: :func:`user_module_folder`).

    Any version this function installed there before is replaced (a module installed by
    ``Install-PSResource`` is left alone). Returns the installed version folder.
    """
    source = packaged_module()
    root = Path(path) if path is not None else user_module_folder()
    home = root / MODULE_NAME
    for previous in _installed_by_us(home):
        shutil.rmtree(previous)
    target = home / __version__
    if target.exists():
        shutil.rmtree(target)
    # Copy to a temporary name, then rename: a failed copy leaves no half module.
    staging = home / f".{__version__}.{os.getpid()}.tmp"
    shutil.copytree(source, staging)
    record = {"python": sys.executable, "version": __version__,
              "installedBy": "python -m bridge.powershell install"}
    (staging / RECORD_NAME).write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")
    staging.rename(target)
    return target


def uninstall(path: Optional[os.PathLike[str] | str] = None) -> list[Path]:
    """Remove every version :func:`install` put into ``path``; returns the folders removed."""
    root = Path(path) if path is not None else user_module_folder()
    home = root / MODULE_NAME
    removed = list(_installed_by_us(home))
    for folder in removed:
        shutil.rmtree(folder)
    if home.is_dir() and not any(home.iterdir()):
        home.rmdir()
    return removed


def _installed_by_us(home: Path) -> list[Path]:
    if not home.is_dir():
        return []
    return sorted(p for p in home.iterdir() if (p / RECORD_NAME).is_file())
