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


def imported(module, path, is_package, modules, tree=None):
    """The package's modules that ``module`` imports anywhere in its code (or ``tree``)."""
    found = set()
    tree = ast.parse(path.read_text(encoding="utf-8")) if tree is None else tree
    for node in ast.walk(tree):
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


def loaded_with(module, path, is_package, modules):
    """``(package modules, other top-level packages)`` that loading ``module`` imports:
    its module-level statements (an import inside a function waits for the call)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    statements = [node for node in tree.body if isinstance(node, (ast.Import, ast.ImportFrom))]
    outside = set()
    for node in statements:
        if isinstance(node, ast.Import):
            outside.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and not node.level:
            outside.add((node.module or "").split(".")[0])
    inside = imported(module, path, is_package, modules, ast.Module(body=statements))
    return inside, outside - {"sktsgan"}


def test_the_data_contract_and_the_baselines_load_without_torch():
    # what the cheap baselines are built on must not need torch (or skorch) to load
    modules = package_modules()
    for start in ("sktsgan.base._contract", "sktsgan.augment._baselines"):
        seen, todo, external = set(), [start], set()
        while todo:
            name = todo.pop()
            if name in seen:
                continue
            seen.add(name)
            inside, outside = loaded_with(name, *modules[name], modules)
            external |= outside
            todo.extend(inside)
        assert "sktsgan.utils.validation" in seen
        assert not external & {"torch", "skorch"}, (start, sorted(seen))
