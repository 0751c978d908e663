"""The package's house rules, read from the code itself: layers import downwards only, no
module imports in a circle, the heavy display libraries stay in the display layer, and
long modules and functions say why they are long.

The layers, from the bottom up (``docs/architecture.md``)::

    base      version, errors, memory
    format    the scenario file: source, model, validation, scenario, loader, schema
    space     packages and utilities; independent blocks of issues merged (blocks)
    solvers   pure functions on arrays
    analysis  solve(): the solvers run for one scenario, and the result records
    studies   curves, simulation, sweeps, sensitivity (computation only)
    present   words, terminal tables, charts
    api       the Python API
    entry     negsim/__init__.py, the command line
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "negsim"

LAYERS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("base", ("version.py", "errors.py", "memory.py", "jsontext.py", "progress.py")),
    ("format", ("format/",)),
    ("space", ("space.py", "blocks.py")),
    ("solvers", ("solvers/",)),
    ("analysis", ("analysis/",)),
    ("studies", ("studies/",)),
    ("present", ("present/",)),
    ("api", ("api.py",)),
    ("entry", ("__init__.py", "cli/", "__main__.py")),
)
"""Each module's layer, by its path under ``negsim/`` (a folder takes all it holds)."""

DISPLAY_LIBRARIES = ("matplotlib", "rich")
"""Imported only by the display layer and above."""

LONG_MODULE = 600
LONG_FUNCTION = 80
REASON = "Long because"
"""A module or function longer than the limits says why in its docstring, with this phrase."""


@dataclass(frozen=True)
class Import:
    """``module`` imports ``target`` (a dotted name) at ``line``; ``typing_only`` when it
    sits under ``if TYPE_CHECKING:``."""

    module: str
    target: str
    line: int
    typing_only: bool


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


MODULES = {module_name(path): path for path in sorted(PACKAGE.rglob("*.py"))}


def layer_of(module: str) -> int:
    relative = MODULES[module].relative_to(PACKAGE).as_posix()
    found = [
        index
        for index, (_, places) in enumerate(LAYERS)
        for place in places
        if relative == place or (place.endswith("/") and relative.startswith(place))
    ]
    assert found, f"{relative} belongs to no layer: add it to LAYERS in {__file__}"
    return found[0]


def _resolve(name: str) -> str | None:
    """The negsim module a dotted name refers to (a module, or a name inside one)."""
    while name:
        if name in MODULES:
            return name
        name = name.rpartition(".")[0]
    return None


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def imports_of(module: str) -> list[Import]:
    """Every import of a negsim module in ``module``, at any depth (inside functions too)."""
    tree = ast.parse(MODULES[module].read_text(encoding="utf-8"))
    package = module if MODULES[module].name == "__init__.py" else module.rpartition(".")[0]
    found: list[Import] = []

    def visit(node: ast.AST, typing_only: bool) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and _is_type_checking(child):
                for inner in child.body:
                    visit_statement(inner, True)
                for inner in child.orelse:
                    visit_statement(inner, typing_only)
                continue
            visit_statement(child, typing_only)

    def visit_statement(node: ast.AST, typing_only: bool) -> None:
        targets: list[str] = []
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            targets = [f"{base}.{alias.name}" for alias in node.names] or [base]
        for target in targets:
            resolved = _resolve(target)
            if resolved is not None and resolved != module:
                found.append(Import(module, resolved, getattr(node, "lineno", 0), typing_only))
        visit(node, typing_only)

    visit(tree, False)
    return found


ALL_IMPORTS = [edge for module in MODULES for edge in imports_of(module)]


def test_every_module_has_a_layer():
    for module in MODULES:
        layer_of(module)


def test_imports_go_downwards_only():
    upward = [
        f"{edge.module} (layer {LAYERS[layer_of(edge.module)][0]}) imports {edge.target} "
        f"(layer {LAYERS[layer_of(edge.target)][0]}) on line {edge.line}"
        for edge in ALL_IMPORTS
        if layer_of(edge.target) > layer_of(edge.module)
    ]
    assert upward == []


def _cycle(edges: dict[str, set[str]]) -> list[str] | None:
    """One cycle of the directed graph ``edges``, as a list of modules, or None."""
    state: dict[str, int] = {}
    stack: list[str] = []

    def walk(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for following in sorted(edges.get(node, ())):
            if state.get(following) == 1:
                return [*stack[stack.index(following) :], following]
            if following not in state and (found := walk(following)) is not None:
                return found
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(edges):
        if node not in state and (found := walk(node)) is not None:
            return found
    return None


def test_no_import_cycles():
    """Not even through imports written only for type annotations."""
    edges: dict[str, set[str]] = {}
    for edge in ALL_IMPORTS:
        edges.setdefault(edge.module, set()).add(edge.target)
    cycle = _cycle(edges)
    assert cycle is None, "import cycle: " + " -> ".join(cycle or [])


def test_the_cycle_finder_finds_cycles():
    assert _cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert _cycle({"a": {"b"}, "b": {"c"}}) is None


@pytest.mark.parametrize("library", DISPLAY_LIBRARIES)
def test_display_libraries_stay_in_the_display_layer(library):
    present = next(i for i, (name, _) in enumerate(LAYERS) if name == "present")
    offenders = []
    for module, path in MODULES.items():
        if layer_of(module) >= present:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            if any(name == library or name.startswith(library + ".") for name in names):
                offenders.append(f"{module}:{node.lineno}")
    assert offenders == []


def _docstring_says_why(node: ast.AST) -> bool:
    docstring = ast.get_docstring(node)  # type: ignore[arg-type]
    return docstring is not None and REASON in docstring


def test_long_modules_and_functions_say_why():
    unexplained = []
    for module, path in MODULES.items():
        text = path.read_text(encoding="utf-8")
        tree = ast.parse(text)
        n_lines = len(text.splitlines())
        if n_lines > LONG_MODULE and not _docstring_says_why(tree):
            unexplained.append(f"{module}: {n_lines} lines")
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                length = (node.end_lineno or node.lineno) - node.lineno + 1
                if length > LONG_FUNCTION and not _docstring_says_why(node):
                    unexplained.append(f"{module}.{node.name}: {length} lines")
    assert unexplained == [], f"say why in the docstring ('{REASON} ...') or split them"


SOLVING = (
    "negsim.solvers",
    "negsim.analysis.pipeline",
    "negsim.analysis.equilibrium",
    "negsim.analysis.screening",
    "negsim.analysis.solutions",
    "negsim.analysis.offers",
)
"""Modules that work the theory out: display code reads their records, never calls them."""


def test_display_code_never_solves():
    solving = [
        f"{edge.module} imports {edge.target} on line {edge.line}"
        for edge in ALL_IMPORTS
        if edge.module.startswith("negsim.present")
        and not edge.typing_only
        and any(edge.target == name or edge.target.startswith(name + ".") for name in SOLVING)
    ]
    assert solving == []
