"""Every module of ``bridge`` imports on its own, and no two modules import each other.

An import cycle works only as long as the modules happen to load in one order
(and is usually papered over with an import inside a function); a newcomer
cannot tell which module comes first. So: (a) each module is imported alone in
a fresh interpreter state, (b) the static import graph, every ``import`` and
``from`` including relative ones and those inside functions, has no cycle.
Imports under ``if TYPE_CHECKING:`` never run and are left out (a type-only
back-reference, as the emulator's admin API has to its App, is no cycle).
"""

from __future__ import annotations

import ast
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Union

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "bridge"


def _modules() -> dict[str, tuple[Path, bool]]:
    """Dotted module name -> (file, is a package's ``__init__``)."""
    found: dict[str, tuple[Path, bool]] = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = list(path.relative_to(ROOT).with_suffix("").parts)
        is_package = parts[-1] == "__init__"
        found[".".join(parts[:-1] if is_package else parts)] = (path, is_package)
    return found


def _ancestors(name: str) -> set[str]:
    parts = name.split(".")
    return {".".join(parts[:i]) for i in range(1, len(parts))}


def _run_time_imports(tree: ast.AST) -> list[Union[ast.Import, ast.ImportFrom]]:
    """Every import statement that can run: anywhere but under ``if TYPE_CHECKING:``."""
    found: list[Union[ast.Import, ast.ImportFrom]] = []

    def visit(node: ast.AST) -> None:
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            found.append(node)
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            children: list[ast.AST] = list(node.orelse)
        else:
            children = list(ast.iter_child_nodes(node))
        for child in children:
            visit(child)

    visit(tree)
    return found


def _imported(name: str, path: Path, is_package: bool,
              modules: dict[str, tuple[Path, bool]]) -> set[str]:
    """The ``bridge`` modules ``name``'s source imports anywhere (functions included).

    ``import a.b`` loads ``a`` and ``a.b``; ``from a import b`` loads ``a.b`` when that is
    a module, else ``a`` (whose ``b`` it reads).
    """
    package = name.split(".") if is_package else name.split(".")[:-1]
    targets: set[str] = set()
    for node in _run_time_imports(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                parts = alias.name.split(".")
                targets.update(".".join(parts[:i]) for i in range(1, len(parts) + 1))
        else:
            if node.level:
                base = package[:len(package) - node.level + 1]
                source = ".".join(base + ([node.module] if node.module else []))
            else:
                source = node.module or ""
            for alias in node.names:
                submodule = f"{source}.{alias.name}"
                targets.add(submodule if submodule in modules else source)
    return {t for t in targets if t in modules and t != name}


def import_graph() -> dict[str, set[str]]:
    """Module -> the ``bridge`` modules loading it loads first.

    Importing ``a.b.c`` loads the packages ``a`` and ``a.b`` too, so they count as
    imported; a module's own parent packages are always loaded before it, so edges
    to them are no choice of the module's and are left out.
    """
    modules = _modules()
    graph: dict[str, set[str]] = {}
    for name, (path, is_package) in modules.items():
        targets = _imported(name, path, is_package, modules)
        targets |= {a for t in targets for a in _ancestors(t)} & set(modules)
        graph[name] = targets - _ancestors(name) - {name}
    return graph


def tangles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The groups of modules that import each other, directly or round a loop (Tarjan's SCCs)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for target in sorted(graph.get(node, ())):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for start in sorted(graph):
        if start not in index:
            visit(start)
    return sorted(found)


def test_no_module_imports_itself_through_others() -> None:
    graph = import_graph()
    found = tangles(graph)
    assert not found, "modules importing each other:\n" + "\n".join(
        "  " + ", ".join(f"{m} -> {sorted(graph[m] & set(group))}" for m in group)
        for group in found)


def test_the_tangle_finder_sees_loops() -> None:
    assert tangles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert tangles({"a": {"b"}, "b": {"a"}, "c": {"d"}, "d": {"c"}}) == [["a", "b"], ["c", "d"]]
    assert tangles({"a": {"b"}, "b": set()}) == []


def test_each_module_imports_alone() -> None:
    # One interpreter; before each module every bridge module is forgotten. Its parent
    # packages are empty stand-ins unless it reads names from them, so a module cannot
    # lean on what ``bridge/__init__`` happened to import before it. ``__main__``
    # modules run a program and are left out.
    modules = _modules()
    plan = []
    for name, (path, is_package) in modules.items():
        if name.endswith(".__main__"):
            continue
        reads_parent = bool(_imported(name, path, is_package, modules) & _ancestors(name))
        plan.append(f"{name}={'real' if reads_parent or is_package else 'stub'}")
    script = textwrap.dedent("""
        import importlib, sys, traceback, types
        from pathlib import Path
        root = Path.cwd()
        failed = []
        for item in sys.argv[1:]:
            name, how = item.split("=")
            for loaded in [m for m in sys.modules if m == "bridge" or m.startswith("bridge.")]:
                del sys.modules[loaded]
            parts = name.split(".")
            if how == "stub":
                for i in range(1, len(parts)):
                    package = ".".join(parts[:i])
                    stub = types.ModuleType(package)
                    stub.__path__ = [str(root.joinpath(*parts[:i]))]
                    sys.modules[package] = stub
            try:
                importlib.import_module(name)
            except BaseException:
                failed.append(item + ":\\n" + traceback.format_exc(limit=4))
        print("\\n".join(failed))
        sys.exit(1 if failed else 0)
    """)
    result = subprocess.run([sys.executable, "-c", script, *plan], capture_output=True,
                            text=True, cwd=ROOT, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
