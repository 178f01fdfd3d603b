"""Imports point one way. No module of src/banli imports, directly or through others, a module
that imports it back: not at the top of a file and not inside a function either (an import moved
into a function still runs, it only hides the cycle). And the apps at the bottom stay below the
ones built on them: the working-day calendar and the reference data know nothing of items or
their deadlines.

Imports are read from the source with `ast`, wherever they stand; those under `if TYPE_CHECKING:`
are left out, since they never run. `from package import name` counts as importing the module
package.name when there is one, else the package itself; importing a module counts as importing
the packages around it too (their __init__ runs first)."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SRC = ROOT / "src"

# Layer -> what it must not import (by name prefix), directly or through anything it imports.
BELOW = {
    "banli.workdays": ("banli.org", "banli.proposals", "banli.deadlines"),
    "banli.org": ("banli.proposals", "banli.deadlines"),
}


def _modules() -> dict[str, tuple[Path, bool]]:
    """Dotted name -> (file, is a package)."""
    out = {}
    for path in sorted((SRC / "banli").rglob("*.py")):
        parts = list(path.relative_to(SRC).with_suffix("").parts)
        is_package = parts[-1] == "__init__"
        if is_package:
            parts.pop()
        out[".".join(parts)] = (path, is_package)
    return out


def _type_checking_only(node) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def _imports(name: str, path: Path, is_package: bool, known) -> set[str]:
    package = name if is_package else name.rpartition(".")[0]
    found = set()
    stack = [ast.parse(path.read_text(encoding="utf-8"))]
    while stack:
        node = stack.pop()
        if isinstance(node, ast.If) and _type_checking_only(node):
            stack.extend(node.orelse)
            continue
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name in known}
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module
            for a in node.names:
                if f"{module}.{a.name}" in known:
                    found.add(f"{module}.{a.name}")
                elif module in known:
                    found.add(module)
        stack.extend(ast.iter_child_nodes(node))
    # Importing a.b.c runs a/b/__init__.py first: a dependency on that package too, unless the
    # importer is inside it (then the package is being imported already).
    own = _packages_of(name) | {name}
    found |= {p for target in found for p in _packages_of(target) if p in known and p not in own}
    found.discard(name)
    return found


def _packages_of(name: str) -> set[str]:
    parts = name.split(".")
    return {".".join(parts[:i]) for i in range(1, len(parts))}


def import_graph() -> dict[str, set[str]]:
    modules = _modules()
    return {name: _imports(name, path, is_package, modules) for name, (path, is_package) in modules.items()}


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan, iteratively), each as
    one cycle through all of them, to read in the failure message."""
    index, low, on_stack, stack, components = {}, {}, set(), [], []
    counter = 0
    for root in sorted(graph):
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
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
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    components.append(_a_cycle_through(sorted(component), graph))
    return components


def _a_cycle_through(component: list[str], graph) -> list[str]:
    """A path from the component's first module back to itself, inside the component."""
    inside = set(component)
    start = component[0]
    paths = {start: [start]}
    queue = [start]
    while queue:
        node = queue.pop(0)
        for child in sorted(graph[node] & inside):
            if child == start:
                return paths[node] + [start]
            if child not in paths:
                paths[child] = paths[node] + [child]
                queue.append(child)
    return component


def reachable(graph, start: str) -> dict[str, list[str]]:
    """Every module `start` imports, directly or not, with one chain of imports that leads there."""
    chains = {start: [start]}
    queue = [start]
    while queue:
        node = queue.pop(0)
        for child in sorted(graph[node]):
            if child not in chains:
                chains[child] = chains[node] + [child]
                queue.append(child)
    return chains


def _within(name: str, prefix: str) -> bool:
    return name == prefix or name.startswith(prefix + ".")


def test_the_checker_sees_cycles_and_chains():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}, "e": set()}
    assert cycles(graph) == [["a", "b", "c", "a"]]
    assert reachable(graph, "d")["c"] == ["d", "a", "b", "c"]
    assert cycles({"a": {"b"}, "b": set()}) == []


def test_the_graph_reads_function_level_and_relative_imports():
    graph = import_graph()
    # org/models.py imports the calendar at the top; the deadline scan imports an action (relative
    # and absolute imports, in a package's __init__ and in a module).
    assert "banli.workdays.calendar" in graph["banli.org.models"]
    assert "banli.workdays.models" in graph["banli.workdays.calendar"]
    assert "banli.proposals.actions" in graph["banli.deadlines.scan"]


def test_no_import_cycle_between_modules():
    found = cycles(import_graph())
    assert not found, "import cycles (break them by moving code, not by moving the import into a function):\n" + "\n".join(
        " -> ".join(c) for c in found)


def test_the_lower_apps_do_not_import_the_ones_above():
    graph = import_graph()
    offenders = {}  # the import that crosses the line -> the shortest chain found that leads to it
    for layer, forbidden in BELOW.items():
        def above(name):
            return any(_within(name, f) for f in forbidden)

        for module in (m for m in graph if _within(m, layer)):
            for target, chain in reachable(graph, module).items():
                if above(target) and not any(above(m) for m in chain[:-1]):
                    edge = tuple(chain[-2:])
                    if edge not in offenders or len(chain) < len(offenders[edge]):
                        offenders[edge] = chain
    assert not offenders, "\n".join(sorted(" -> ".join(c) for c in offenders.values()))


def test_the_calendar_and_its_tables_do_not_import_each_other_both_ways():
    graph = import_graph()
    assert "banli.workdays.calendar" not in reachable(graph, "banli.workdays.models")
