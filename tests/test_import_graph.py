"""The package's imports form no circle, function-level imports included: a circle means two
modules each need a piece of the other, and that piece belongs in a module of its own."""

from __future__ import annotations

import ast
from pathlib import Path

import fazhi

ROOT = Path(fazhi.__file__).parent

# Circles found when the rule came in and left for their own change (issue 8 item 11 untied
# registers.public/services and security.fields/keys). Nothing may join this list.
KNOWN = {
    frozenset({"fazhi.core.deadlines", "fazhi.core.deadline_rules"}),
    frozenset({"fazhi.workplan.supervision", "fazhi.workplan.handovers"}),
}


def _modules() -> dict[str, tuple[Path, bool]]:
    found = {}
    for path in ROOT.rglob("*.py"):
        parts = ["fazhi", *path.relative_to(ROOT).with_suffix("").parts]
        if "migrations" in parts:
            continue
        package = parts[-1] == "__init__"
        found[".".join(parts[:-1] if package else parts)] = (path, package)
    return found


def import_graph() -> dict[str, set[str]]:
    """Module → the package's modules it imports anywhere in its text (functions included)."""
    modules = _modules()
    graph: dict[str, set[str]] = {}
    for name, (path, package) in modules.items():
        deps = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                deps |= {a.name for a in node.names if a.name in modules}
            elif isinstance(node, ast.ImportFrom):
                base = name.split(".") if package else name.split(".")[:-1]
                if node.level:
                    base = base[: len(base) - node.level + 1]
                    target = ".".join([*base, *([node.module] if node.module else [])])
                else:
                    target = node.module or ""
                for alias in node.names:
                    sub = f"{target}.{alias.name}"
                    if sub in modules:
                        deps.add(sub)
                    elif target in modules:
                        deps.add(target)
        graph[name] = deps - {name}
    return graph


def circles(graph: dict[str, set[str]]) -> list[frozenset[str]]:
    """The strongly connected components of more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found = []
    for start in graph:
        if start in index:
            continue
        work = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = set()
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.add(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(frozenset(component))
    return found


def test_the_circle_finder_sees_a_circle_through_a_function_level_import():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert circles(graph) == [frozenset({"a", "b", "c"})]
    assert circles({"a": {"b"}, "b": set()}) == []


def test_the_graph_holds_the_package_imports():
    graph = import_graph()
    assert "fazhi.registers.conf" in graph["fazhi.registers.public"]
    assert "fazhi.security.stored" in graph["fazhi.security.keys"]
    assert "fazhi.security.keys" in graph["fazhi.security.fields"]
    # A function-level import counts as much as one at the top.
    assert "fazhi.audit.models" in graph["fazhi.security.stored"]


def test_no_new_import_circle():
    found = set(circles(import_graph()))
    assert found - KNOWN == set(), "import circle; move the shared piece into its own module"
