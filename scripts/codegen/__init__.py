"""Generators: the spec (bridge/spec/*.yaml) -> every generated file.

Each generator module exposes ``render() -> dict[str, str]`` mapping a
repository-relative path to its full text. :func:`generate` writes them, or
with ``check=True`` compares them with what is on disk and reports drift.
Generated output is deterministic (no timestamps), so ``--check`` is exact.
"""

from __future__ import annotations

import difflib
import importlib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# Generator modules, in the order they run. Add new ones here.
GENERATORS = ["scripts.codegen.python_api", "scripts.codegen.python_models",
              "scripts.codegen.powershell", "scripts.codegen.version", "scripts.codegen.errors"]


def render_all() -> dict[str, str]:
    """Every generated file: path -> text."""
    out: dict[str, str] = {}
    for name in GENERATORS:
        out.update(importlib.import_module(name).render())
    return out


def generate(check: bool = False) -> list[str]:
    """Write the generated files; with ``check``, only diff. Returns drift descriptions."""
    drift: list[str] = []
    for rel, text in render_all().items():
        path = ROOT / rel
        current = path.read_text(encoding="utf-8") if path.exists() else None
        if current == text:
            continue
        if check:
            diff = difflib.unified_diff((current or "").splitlines(True), text.splitlines(True),
                                        f"{rel} (on disk)", f"{rel} (from spec)")
            drift.append("".join(diff) or f"{rel}: missing")
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
    return drift
