"""The reviewkit package imports one way: no import circles, no other module's private names.

Every module under reviewkit/ is read with ``ast`` (nothing is imported). An import counts
wherever it is written: at the top, inside a function (a lazy import that closes a circle is a
circle all the same) or in a ``try``. Only imports under ``if TYPE_CHECKING:`` are left out:
they never run. ``from package import name`` counts as importing the submodule
``package.name`` when there is one, else the package itself (its ``__init__``).
"""

from __future__ import annotations

import ast
from functools import cache
from pathlib import Path

PACKAGE = "reviewkit"
ROOT = Path(__file__).resolve().parent.parent / PACKAGE

# Circles outside reviewkit.nlp that were there before this check, each as the set of modules
# that import one another. Do not add to this list: take a circle off it when it is broken.
KNOWN_CYCLES: set[frozenset[str]] = set()


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


@cache
def _modules() -> dict[str, Path]:
    return {_module_name(p): p for p in sorted(ROOT.rglob("*.py"))}


def _is_private(name: str) -> bool:
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


def _type_checking_only(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def _walk(tree: ast.AST):
    """Every node of ``tree`` but those under ``if TYPE_CHECKING:``."""
    todo = [tree]
    while todo:
        node = todo.pop()
        yield node
        if isinstance(node, ast.If) and _type_checking_only(node):
            todo.extend(node.orelse)
            continue
        todo.extend(ast.iter_child_nodes(node))


def _base(module: str, node: ast.ImportFrom) -> str:
    """The absolute name of the module a ``from ... import`` reads from."""
    if not node.level:
        return node.module or ""
    is_package = _modules()[module].name == "__init__.py"
    parts = module.split(".")
    parts = parts if is_package else parts[:-1]
    parts = parts[: len(parts) - (node.level - 1)]
    return ".".join(parts + ([node.module] if node.module else []))


def _dotted(node: ast.AST) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        head = _dotted(node.value)
        return None if head is None else f"{head}.{node.attr}"
    return None


@cache
def _analyse() -> tuple[dict[str, set[str]], list[str]]:
    """(module -> the reviewkit modules it imports, private names taken from other modules)."""
    modules = _modules()
    graph: dict[str, set[str]] = {m: set() for m in modules}
    private: list[str] = []
    for module, path in modules.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        bound: dict[str, str] = {}  # local name -> the reviewkit module it stands for
        for node in _walk(tree):
            if isinstance(node, ast.Import):
                for alias in node.names:
                    name = alias.name
                    while name and name not in modules:
                        name = name.rpartition(".")[0]
                    if name:
                        graph[module].add(name)
                        if alias.asname:
                            bound[alias.asname] = name
                        else:
                            top = alias.name.partition(".")[0]
                            bound.setdefault(top, top)
            elif isinstance(node, ast.ImportFrom):
                base = _base(module, node)
                if base not in modules:
                    continue
                for alias in node.names:
                    sub = f"{base}.{alias.name}"
                    if sub in modules:
                        graph[module].add(sub)
                        bound[alias.asname or alias.name] = sub
                        continue
                    graph[module].add(base)
                    if _is_private(alias.name):
                        private.append(f"{module}:{node.lineno} imports {alias.name} from {base}")
        for node in _walk(tree):
            if isinstance(node, ast.Attribute) and _is_private(node.attr):
                dotted = _dotted(node.value)
                if dotted is None:
                    continue
                head, _, rest = dotted.partition(".")
                target = ".".join(filter(None, [bound.get(head, ""), rest]))
                if head in bound and target in modules and target != module:
                    private.append(f"{module}:{node.lineno} reads {target}.{node.attr}")
        graph[module].discard(module)
    return graph, private


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected groups of more than one module (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                group.append(w)
                if w == v:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return sorted(groups)


def _path(graph: dict[str, set[str]], group: list[str]) -> str:
    """One circle through the group, as 'a -> b -> a', for the failure message."""
    start, members = group[0], set(group)
    paths = {start: [start]}
    todo = [start]
    while todo:
        v = todo.pop(0)
        for w in sorted(graph[v] & members):
            if w == start:
                return " -> ".join(paths[v] + [start])
            if w not in paths:
                paths[w] = paths[v] + [w]
                todo.append(w)
    return " -> ".join(group)  # pragma: no cover - a strongly connected group has a circle


def test_the_check_sees_lazy_imports_and_private_names(tmp_path):
    source = "def f():\n    from .b import _helper\n    return _helper\n"
    tree = ast.parse(source)
    nodes = [n for n in _walk(tree) if isinstance(n, ast.ImportFrom)]
    assert [(n.module, n.level, [a.name for a in n.names]) for n in nodes] == [
        ("b", 1, ["_helper"])]
    guarded = ast.parse("if TYPE_CHECKING:\n    import x\nelse:\n    import y\n")
    assert [a.name for n in _walk(guarded) if isinstance(n, ast.Import) for a in n.names] == ["y"]
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert _cycles(graph) == [["a", "b", "c"]]
    assert _path(graph, ["a", "b", "c"]) == "a -> b -> c -> a"
    assert _is_private("_mean_unit") and not _is_private("__version__")


def test_every_module_is_read():
    graph, _ = _analyse()
    assert f"{PACKAGE}.nlp.themes" in graph and f"{PACKAGE}.web" in graph
    assert f"{PACKAGE}.nlp.clustering" in graph[f"{PACKAGE}.nlp.theme_model"]


def test_no_import_circles():
    graph, _ = _analyse()
    found = {frozenset(group): group for group in _cycles(graph)}
    new = [_path(graph, group) for key, group in found.items() if key not in KNOWN_CYCLES]
    assert new == [], "import circles:\n" + "\n".join(new)


def test_no_module_imports_another_modules_private_names():
    _, private = _analyse()
    assert private == []
