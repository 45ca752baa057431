"""The floors of the house (docs/architecture.md): no import from a lower floor to a higher one.

Read from the code with `ast`, every import anywhere in a file (a function-level import
counts too): an app imports only from its own floor or below, and no two modules of the
project import each other, directly or in a loop.
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

# Ground first. An app missing here fails `test_every_app_has_a_floor`: give it one.
FLOORS = {
    "organizations": 0,
    "directory": 1,
    "events": 1,
    "contacts": 2,
    "companies": 2,
    "attachments": 3,
    "connections": 3,
    "transfers": 3,
    "history": 3,
    "notes": 4,
    "activity": 4,
    "timeline": 4,
    "opportunities": 4,
    "sales": 4,
    "trash": 5,
    "merging": 6,
    "config": 9,
}


def project_modules() -> dict[str, Path]:
    """Every module of the apps and config, by dotted name."""
    modules = {}
    for app in sorted(path.parent for path in ROOT.glob("*/__init__.py")):
        if app.name in {"tests", "benchmarks"}:
            continue
        for path in app.rglob("*.py"):
            parts = path.relative_to(ROOT).with_suffix("").parts
            if parts[-1] == "__init__":
                parts = parts[:-1]
            modules[".".join(parts)] = path
    return modules


MODULES = project_modules()


def imports_of(path: Path) -> set[str]:
    """The project modules `path` imports (a package's submodule when a name is one)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [
                f"{node.module}.{alias.name}"
                if f"{node.module}.{alias.name}" in MODULES
                else node.module
                for alias in node.names
            ]
        else:
            continue
        found.update(name for name in names if name.split(".")[0] in FLOORS or name in MODULES)
    return found


GRAPH = {name: imports_of(path) for name, path in MODULES.items()}


def test_every_app_has_a_floor():
    apps = {name.split(".")[0] for name in MODULES}
    assert apps <= set(FLOORS), f"give these apps a floor in FLOORS: {apps - set(FLOORS)}"


@pytest.mark.parametrize("module", sorted(MODULES))
def test_a_module_imports_only_from_its_floor_or_below(module):
    floor = FLOORS[module.split(".")[0]]
    upward = sorted(
        imported for imported in GRAPH[module] if FLOORS[imported.split(".")[0]] > floor
    )
    assert not upward, f"{module} (floor {floor}) imports from a higher floor: {upward}"


def test_no_modules_import_each_other():
    """No loop, however long, among the project's modules (Tarjan's components)."""
    index, low, on_stack, stack, loops = {}, {}, set(), [], []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in GRAPH.get(node, ()):
            if target not in MODULES:
                continue
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                loops.append(sorted(component))

    for module in sorted(MODULES):
        if module not in index:
            visit(module)
    assert not loops, f"modules that import each other: {loops}"


def test_the_checks_see_an_upward_import(tmp_path):
    """The reader finds a function-level import and a submodule named in `from … import`."""
    source = tmp_path / "sample.py"
    source.write_text(
        "def f():\n    from transfers import duplication\n    import connections.models\n"
    )
    assert imports_of(source) == {"transfers.duplication", "connections.models"}
