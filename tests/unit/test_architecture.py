"""The house rules of the code's layout, read from the source with `ast` (nothing is imported):
no import circles, arrows only downwards (domain ← store ← capabilities ← ui/cli), no file
over 700 lines and no function over 80 lines."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from functools import cache
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
PRODUCT = ("halt_desk", "ui")

#: Each room of the house and the floor it stands on: a module may import its own room and
#: rooms on lower floors, never a higher one. Rooms on one floor may use each other, as long
#: as no circle forms (checked separately).
FLOORS: dict[str, int] = {
    # the foundation every room may use: where files live, the message catalogue
    "halt_desk": 0,  # the package itself: only __version__
    "halt_desk.paths": 0,
    "halt_desk.i18n": 0,
    "halt_desk.config": 1,
    "halt_desk.domain": 1,
    "halt_desk.changes": 3,
    "halt_desk.store": 2,
    "halt_desk.couriers": 2,
    "halt_desk.sync": 3,
    "halt_desk.central": 3,
    "halt_desk.desk": 4,
    "halt_desk.logistics": 4,
    "halt_desk.field": 4,
    "halt_desk.reports": 4,
    "halt_desk.demo": 5,
    "halt_desk.background": 5,
    # the two doors: the `halt-desk` command starts the app's windows, or runs without them
    "halt_desk.cli": 9,
    "ui": 9,
    "halt_desk.__main__": 10,
}
MAX_FILE_LINES = 700
MAX_FUNCTION_LINES = 80
#: File names that several rooms share because they hold the same concept in each.
SAME_CONCEPT = {
    "errors.py": "the errors of its room",
    "engine.py": "the database engine of its room (the local cache, central)",
    "self_test.py": "the installation check: its core part and its window part",
    "schema.py": "the database schema of its room (the local cache, central)",
    "conflicts.py": "concurrent edits of one field: the rule (domain) and their record (store)",
    "changes.py": "the change broadcast: what changed (core) and the hub that tells windows (ui)",
    "housekeeping.py": "keeping the cache tidy: the store's operations and their schedule",
    "staff.py": "the staff directory: its records at central and its look-up in the desk",
    "notices.py": "disruption and maintenance notices: the rule, central's checks, the desk's",
    "notifications.py": "what to hear of at once: the rule, central's API, the desk's list",
}


def product_files() -> Iterator[Path]:
    for top in PRODUCT:
        for path in sorted((REPO / top).rglob("*.py")):
            if "migrations" not in path.parts:
                yield path


def module_name(path: Path) -> str:
    parts = list(path.relative_to(REPO).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


@cache
def all_modules() -> frozenset[str]:
    return frozenset(module_name(p) for p in product_files())


@cache
def parsed(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"), str(path))


def imports_of(path: Path) -> set[str]:
    """Every module of ours that `path` imports: at the top, inside a function or only for
    type checkers (each is an arrow of the house: a type names what a module depends on)."""
    found: set[str] = set()
    modules = all_modules()
    own = module_name(path)
    package = own if path.name == "__init__.py" else own.rpartition(".")[0]

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif (
            isinstance(node, ast.Call)
            and ast.unparse(node.func) in ("importlib.import_module", "import_module")
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            found.add(node.args[0].value)  # an import by name is an arrow too
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")
                base = ".".join(parts[: len(parts) - node.level + 1])
                base = f"{base}.{node.module}" if node.module else base
            # `from package import module` imports that module (its package is imported
            # first whatever the import, as for any module); `from module import name`
            # imports the module
            for alias in node.names:
                name = f"{base}.{alias.name}"
                found.add(name if name in modules else base)
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(parsed(path))
    return {name for name in found if name in modules and name != own}


def room_of(module: str) -> str:
    for length in range(module.count(".") + 1, 0, -1):
        prefix = ".".join(module.split(".")[:length])
        if prefix in FLOORS:
            return prefix
    raise AssertionError(f"{module} stands in no room of FLOORS: add its package there")


def graph() -> dict[str, set[str]]:
    return {module_name(p): imports_of(p) for p in product_files()}


def test_every_module_stands_in_a_room() -> None:
    for module in graph():
        room_of(module)


def test_no_import_runs_up_a_floor() -> None:
    upward = [
        f"{module} ({room_of(module)}, floor {FLOORS[room_of(module)]}) imports {target} "
        f"({room_of(target)}, floor {FLOORS[room_of(target)]})"
        for module, targets in graph().items()
        for target in sorted(targets)
        if FLOORS[room_of(target)] > FLOORS[room_of(module)]
    ]
    assert upward == []


def find_circle(edges: dict[str, set[str]]) -> list[str] | None:
    """One circle of `edges` (as a path that returns to its start), or None."""
    state: dict[str, int] = {}  # 1: on the path, 2: done
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for target in sorted(edges.get(node, ())):
            if state.get(target) == 1:
                return [*path[path.index(target) :], target]
            if target not in state and (circle := visit(target)):
                return circle
        path.pop()
        state[node] = 2
        return None

    for node in sorted(edges):
        if node not in state and (circle := visit(node)):
            return circle
    return None


def test_no_module_import_circle() -> None:
    assert find_circle(graph()) is None


def test_no_circle_between_rooms() -> None:
    rooms: dict[str, set[str]] = {}
    for module, targets in graph().items():
        room = room_of(module)
        rooms.setdefault(room, set()).update(room_of(t) for t in targets if room_of(t) != room)
    assert find_circle(rooms) is None


def test_the_circle_finder_finds_a_circle() -> None:
    assert find_circle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_circle({"a": {"b"}, "b": set()}) is None


@pytest.mark.parametrize("path", list(product_files()), ids=lambda p: module_name(p))
def test_a_file_has_one_job_of_at_most_700_lines(path: Path) -> None:
    lines = len(path.read_text(encoding="utf-8").splitlines())
    assert lines <= MAX_FILE_LINES, f"{path.relative_to(REPO)} has {lines} lines"


def test_no_function_is_over_80_lines() -> None:
    long = [
        f"{path.relative_to(REPO)}:{node.lineno} {node.name} ({length} lines)"
        for path in product_files()
        for node in ast.walk(parsed(path))
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        and (length := (node.end_lineno or node.lineno) - node.lineno + 1) > MAX_FUNCTION_LINES
    ]
    assert long == []


def test_no_two_product_files_share_a_name_across_rooms() -> None:
    """One file per job: the same file name in two rooms means two homes for one concept
    (package faces, `__main__` and `SAME_CONCEPT` excepted)."""
    seen: dict[str, list[str]] = {}
    for path in product_files():
        if path.name not in ("__init__.py", "__main__.py", *SAME_CONCEPT):
            seen.setdefault(path.name, []).append(str(path.relative_to(REPO)))
    assert {name: paths for name, paths in seen.items() if len(paths) > 1} == {}
