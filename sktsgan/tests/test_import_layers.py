"""The package's modules import each other one way: no import cycle, lazy imports too.

A cycle held apart by an import inside a function still ties the two modules together
(each must know the other), so every ``import`` statement counts, wherever it is.
"""

import ast
from pathlib import Path

import sktsgan

PACKAGE = Path(sktsgan.__file__).parent


def package_modules():
    """``{dotted name: (path, is_package)}`` of every module but the tests."""
    modules = {}
    for path in PACKAGE.rglob("*.py"):
        parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
        if "tests" in parts or parts[-1] == "conftest":
            continue
        is_package = parts[-1] == "__init__"
        modules[".".join(parts[:-1] if is_package else parts)] = (path, is_package)
    return modules


def imported(module, path, is_package, modules):
    """The package's modules that ``module`` imports anywhere in its code."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                anchor = module.split(".") if is_package else module.split(".")[:-1]
                anchor = anchor[: len(anchor) - node.level + 1]
                target = ".".join(anchor + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            for alias in node.names:
                name = f"{target}.{alias.name}"
                found.add(name if name in modules else target)
    return {name for name in found if name in modules and name != module}


def cycles(graph):
    """The strongly connected groups of more than one module (Tarjan's algorithm)."""
    index, low, stack, on_stack, groups = {}, {}, [], set(), []

    def visit(node):
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for other in graph[node]:
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in on_stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    for node in graph:
        if node not in index:
            visit(node)
    return groups


def test_the_cycle_finder_finds_a_cycle():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert cycles(graph) == [["a", "b", "c"]]


def test_no_module_of_the_package_imports_its_way_back_to_itself():
    modules = package_modules()
    assert "sktsgan.base" in modules and "sktsgan.nn._engine" in modules
    graph = {name: imported(name, *where, modules) for name, where in modules.items()}
    assert graph["sktsgan.models._rcgan"] >= {"sktsgan.base", "sktsgan.models._gan"}
    assert cycles(graph) == []
