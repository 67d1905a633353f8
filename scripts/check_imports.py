#!/usr/bin/env python3
"""The module dependency check for ``market/`` (stdlib only: it reads the source, imports nothing).

Three rules, from the layering domain → models → services → blueprints:

1. No import cycle inside ``market/``. The graph holds the imports that run when a module is
   loaded: module level, including ``try``/``if`` blocks, but not ``if TYPE_CHECKING:``.
   An import inside a function runs later, so it may break a cycle, but only where it says so:
   a deferred import that would close a cycle must carry a comment with the word "cycle" on its
   line or the line above (e.g. ``# deferred: the cycle with market.x``). An undocumented one is
   reported like a module-level cycle.
2. No module of ``market/domain/``, ``market/models/`` or ``market/services/`` imports a
   blueprint package, at any level (a deferred import is still an upward dependency). A
   blueprint package is a top-level package of ``market/`` with a module that calls
   ``Blueprint(...)``; it is found from the source, not listed here.
3. No blueprint package imports another one: what two of them share lives one floor down.

Usage: ``python scripts/check_imports.py [ROOT]`` (ROOT defaults to the repository). It prints
what it checked and every failure, and exits 1 when there is one.
"""
from __future__ import annotations

import ast
import sys
from dataclasses import dataclass
from pathlib import Path

PACKAGE = "market"
LOWER_LAYERS = ("domain", "models", "services")
DOCUMENTED = "cycle"


@dataclass(frozen=True)
class Import:
    source: str  # the importing module
    target: str  # the imported market module
    line: int
    deferred: bool  # inside a function: runs when called, not when the module loads
    documented: bool  # a comment on its line or the line above names the cycle it breaks


def module_name(path: Path, root: Path) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def find_modules(root: Path) -> dict[str, Path]:
    return {module_name(p, root): p for p in sorted((root / PACKAGE).rglob("*.py"))}


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def _walk(node: ast.AST, deferred: bool = False):
    """Yield (import node, deferred) for every import, skipping ``if TYPE_CHECKING:`` bodies."""
    for child in ast.iter_child_nodes(node):
        if isinstance(child, (ast.Import, ast.ImportFrom)):
            yield child, deferred
        elif isinstance(child, ast.If) and _is_type_checking(child):
            for sub in child.orelse:
                yield from _walk_one(sub, deferred)
        else:
            inner = deferred or isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef,
                                                   ast.Lambda))
            yield from _walk(child, inner)


def _walk_one(node: ast.AST, deferred: bool):
    if isinstance(node, (ast.Import, ast.ImportFrom)):
        yield node, deferred
    else:
        yield from _walk(node, deferred)


def _base(module: str, is_package: bool, node: ast.ImportFrom) -> str:
    if not node.level:
        return node.module or ""
    parts = module.split(".")
    if not is_package:
        parts.pop()
    parts = parts[: len(parts) - (node.level - 1)]
    return ".".join(parts + ([node.module] if node.module else []))


def _targets(node: ast.AST, module: str, is_package: bool, modules: dict) -> list[str]:
    """The market modules an import statement loads (a name imported from a package that is
    itself a module counts as that module)."""
    if isinstance(node, ast.Import):
        names = [alias.name for alias in node.names]
    else:
        base = _base(module, is_package, node)
        names = [f"{base}.{a.name}" if f"{base}.{a.name}" in modules else base
                 for a in node.names]
    found = []
    for name in names:
        while name and name not in modules:  # `import market.x.y as z` of a missing name
            name = name.rpartition(".")[0]
        if name.split(".")[0] == PACKAGE and name != PACKAGE and name not in found:
            found.append(name)
    return found


def read_imports(modules: dict[str, Path]) -> list[Import]:
    imports = []
    for module, path in modules.items():
        source = path.read_text(encoding="utf-8")
        lines = source.splitlines()
        is_package = path.name == "__init__.py"
        for node, deferred in _walk(ast.parse(source, str(path))):
            nearby = " ".join(lines[max(node.lineno - 2, 0): node.end_lineno]).lower()
            documented = "#" in nearby and DOCUMENTED in nearby
            for target in _targets(node, module, is_package, modules):
                if target != module:
                    imports.append(Import(module, target, node.lineno, deferred, documented))
    return imports


def blueprint_packages(modules: dict[str, Path]) -> set[str]:
    found = set()
    for module, path in modules.items():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "Blueprint":
                found.add(".".join(module.split(".")[:2]))
    return found


def find_cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan, iterative)."""
    index, low, on_stack, stack, cycles = {}, {}, set(), [], []
    for start in sorted(edges):
        if start in index:
            continue
        work = [(start, iter(sorted(edges.get(start, ()))))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is None:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    component = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component.append(member)
                        if member == node:
                            break
                    if len(component) > 1:
                        cycles.append(sorted(component))
            elif child not in index:
                index[child] = low[child] = len(index)
                stack.append(child)
                on_stack.add(child)
                work.append((child, iter(sorted(edges.get(child, ())))))
            elif child in on_stack:
                low[node] = min(low[node], index[child])
    return cycles


def _graph(imports) -> dict[str, set[str]]:
    edges: dict[str, set[str]] = {}
    for imp in imports:
        edges.setdefault(imp.source, set()).add(imp.target)
    return edges


def _reaches(edges: dict[str, set[str]], start: str, goal: str) -> bool:
    seen, todo = set(), [start]
    while todo:
        node = todo.pop()
        if node == goal:
            return True
        if node not in seen:
            seen.add(node)
            todo.extend(edges.get(node, ()))
    return False


def check(root: Path) -> list[str]:
    modules = find_modules(root)
    imports = read_imports(modules)
    loaded = [i for i in imports if not i.deferred]
    edges = _graph(loaded)
    failures = []
    for cycle in find_cycles(edges):
        members = set(cycle)
        links = sorted(f"    {i.source} -> {i.target} (line {i.line})" for i in loaded
                       if i.source in members and i.target in members)
        failures.append("import cycle: " + ", ".join(cycle) + "\n" + "\n".join(links))
    for imp in imports:
        if imp.deferred and not imp.documented and _reaches(edges, imp.target, imp.source):
            failures.append(f"undocumented deferred import closing a cycle: {imp.source} -> "
                            f"{imp.target} (line {imp.line}; say which cycle it breaks)")
    blueprints = blueprint_packages(modules)
    lower = tuple(f"{PACKAGE}.{layer}" for layer in LOWER_LAYERS)
    for imp in imports:
        in_lower = imp.source.startswith(lower)
        upward = ".".join(imp.target.split(".")[:2]) in blueprints
        if in_lower and upward:
            failures.append(f"layer: {imp.source} imports blueprint package module "
                            f"{imp.target} (line {imp.line})")
        source_bp = ".".join(imp.source.split(".")[:2])
        target_bp = ".".join(imp.target.split(".")[:2])
        if source_bp in blueprints and upward and target_bp != source_bp:
            failures.append(f"sideways: blueprint {imp.source} imports another blueprint's "
                            f"module {imp.target} (line {imp.line})")
    print(f"{len(modules)} modules, {len(loaded)} module-level and "
          f"{len(imports) - len(loaded)} deferred imports inside {PACKAGE}/")
    print("blueprint packages: " + ", ".join(sorted(b.split(".")[1] for b in blueprints)))
    return failures


def main(argv: list[str]) -> int:
    root = Path(argv[1]) if len(argv) > 1 else Path(__file__).resolve().parent.parent
    failures = check(root)
    for failure in failures:
        print("FAIL " + failure)
    if failures:
        print(f"module dependency check: {len(failures)} failure(s)")
        return 1
    print("module dependency check: no import cycles; domain, models and services import no "
          "blueprint package; no blueprint package imports another")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
