"""``python -m bridge.powershell install|uninstall [--path FOLDER]``: see :mod:`bridge.powershell`."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Optional, Sequence

from bridge._version import __version__

from . import install, uninstall, user_module_folder


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bridge.powershell",
        description="Install the PowerShell module MgBridge that this package carries, so that "
                    "'Import-Module MgBridge' finds it and runs this Python's core.")
    parser.add_argument("action", choices=["install", "uninstall"])
    parser.add_argument("--path", type=Path, default=None,
                        help=f"a module folder (default: {user_module_folder()})")
    args = parser.parse_args(argv)
    folder = args.path if args.path is not None else user_module_folder()
    if args.action == "uninstall":
        removed = uninstall(folder)
        for path in removed:
            print(f"removed {path}")
        if not removed:
            print(f"no MgBridge installed by this command in {folder}")
        return 0
    try:
        target = install(folder)
    except FileNotFoundError as exc:
        print(f"python -m bridge.powershell: {exc}", file=sys.stderr)
        return 1
    print(f"installed MgBridge {__version__} to {target}")
    print(f"it runs the core of {sys.executable}")
    on_path = [p for p in os.environ.get("PSModulePath", "").split(os.pathsep) if p]
    if args.path is not None and not any(Path(p).resolve() == folder.resolve() for p in on_path):
        print(f"{folder} is not on $env:PSModulePath: add it there, or Import-Module {target}")
    else:
        print("in PowerShell: Import-Module MgBridge")
    return 0


if __name__ == "__main__":
    sys.exit(main())
