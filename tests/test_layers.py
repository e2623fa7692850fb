"""Imports point one way (docs/architecture.md): a test that walks every module's imports.

It fails on a wrong direction between layers, on any import cycle among the project's modules,
and on a function-local import without a `# local import: why` comment."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# package → what its modules must never import (a prefix of the imported module's name).
FORBIDDEN: dict[str, tuple[str, ...]] = {
    "domain": (
        "api",
        "resolvers",
        "subscriptions",
        "strawberry",
        "starlette",
        "asyncpg",
        "tortoise.backends.asyncpg",
        "tortoise.backends.base_postgres",
        "tortoise.backends.sqlite",
    ),
    # Pool and transaction plumbing live in api/persistence, never in domain/.
    "api": ("domain.transactions",),
}
# (importer, imported): api → resolvers → subscriptions (delivery) → domain, never upwards.
FORBIDDEN_DIRECTIONS: list[tuple[str, str]] = [
    ("domain", "api"),
    ("domain", "resolvers"),
    ("domain", "subscriptions"),
    ("subscriptions", "api"),
    ("subscriptions", "resolvers"),
    ("resolvers", "api"),
]
# The project's packages: no cycle among their modules, no unexplained function-local import.
PACKAGES = ("api", "domain", "resolvers", "subscriptions", "migrations")
LOCAL_IMPORT_REASON = "# local import:"


def _modules(package: str) -> list[tuple[str, Path]]:
    base = ROOT / package.replace(".", "/")
    files = [base.with_suffix(".py")] if base.with_suffix(".py").exists() else sorted(base.rglob("*.py"))
    return [(".".join(f.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__"), f) for f in files]


def imports_of(path: Path, module: str) -> set[str]:
    """Every module `path` imports, at the top or inside functions."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative: resolve against the package
                base = module.split(".")[: -node.level]
                name = ".".join([*base, node.module] if node.module else base)
            else:
                name = node.module or ""
            found.add(name)
            found.update(f"{name}.{alias.name}" for alias in node.names)
    return found


def _matches(name: str, prefix: str) -> bool:
    return name == prefix or name.startswith(prefix + ".")


def _is_type_checking(node: ast.AST) -> bool:
    test = node.test if isinstance(node, ast.If) else None
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def runtime_imports(path: Path, module: str) -> list[tuple[str, int, bool]]:
    """(imported name, line, inside a function) for each import that runs: `if TYPE_CHECKING:`
    blocks are left out (they never run; strawberry.lazy names a type across a cycle there)."""
    found: list[tuple[str, int, bool]] = []

    def visit(node: ast.AST, in_function: bool) -> None:
        if isinstance(node, ast.If) and _is_type_checking(node):
            for child in node.orelse:
                visit(child, in_function)
            return
        if isinstance(node, ast.Import):
            found.extend((alias.name, node.lineno, in_function) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = module.split(".")[: -node.level] if node.level else []
            name = ".".join([*base, node.module] if node.module else base)
            found.append((name, node.lineno, in_function))
            found.extend((f"{name}.{alias.name}", node.lineno, in_function) for alias in node.names)
        inside = in_function or isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda)
        for child in ast.iter_child_nodes(node):
            visit(child, inside)

    visit(ast.parse(path.read_text(encoding="utf-8")), False)
    return found


def import_graph(modules: list[tuple[str, Path]]) -> dict[str, set[str]]:
    """module → the project's modules it imports when it runs (its own package's __init__ aside)."""
    known = {name for name, _ in modules}
    graph: dict[str, set[str]] = {}
    for module, path in modules:
        targets = graph.setdefault(module, set())
        for name, _, _ in runtime_imports(path, module):
            parts = name.split(".")
            target = next((".".join(parts[:n]) for n in range(len(parts), 0, -1) if ".".join(parts[:n]) in known), None)
            if target is not None and target != module and not module.startswith(target + "."):
                targets.add(target)
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def connect(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph.get(node, ())):
            if target not in index:
                connect(target)
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
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            connect(node)
    return sorted(found)


def unexplained_local_imports(path: Path, module: str) -> list[str]:
    """Function-local imports with no `# local import: why` on their line or in the comment and
    import lines just above them (one comment may explain a block of imports)."""
    lines = path.read_text(encoding="utf-8").splitlines()
    wrong = []
    for line_number in sorted({line for _, line, local in runtime_imports(path, module) if local}):
        above = line_number - 1
        explained = False
        while above >= 0:
            text = lines[above].strip()
            if LOCAL_IMPORT_REASON in text and text.split(LOCAL_IMPORT_REASON, 1)[1].strip():
                explained = True
                break
            if text and not (text.startswith(("#", "from ", "import ")) or text.endswith((",", "(")) or text == ")"):
                break
            above -= 1
        if not explained:
            wrong.append(f"{module}:{line_number}")
    return wrong


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_no_module_imports_what_its_layer_may_not(package):
    wrong = sorted(
        f"{module} imports {name}"
        for module, path in _modules(package)
        for name in imports_of(path, module)
        if any(_matches(name, prefix) for prefix in FORBIDDEN[package])
    )
    assert wrong == []


@pytest.mark.parametrize(("importer", "imported"), FORBIDDEN_DIRECTIONS)
def test_dependencies_point_one_way(importer, imported):
    wrong = sorted(
        f"{module} imports {name}"
        for module, path in _modules(importer)
        for name in imports_of(path, module)
        if _matches(name, imported)
    )
    assert wrong == []


def test_the_walk_sees_a_wrong_import(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text("def f():\n    from api.persistence import postgres\n", encoding="utf-8")
    assert any(_matches(name, "api") for name in imports_of(sample, "domain.sample"))


def _project_modules() -> list[tuple[str, Path]]:
    return [entry for package in PACKAGES for entry in _modules(package)]


def test_no_import_cycles():
    assert cycles(import_graph(_project_modules())) == []


def test_every_function_local_import_says_why():
    wrong = [hit for module, path in _project_modules() for hit in unexplained_local_imports(path, module)]
    assert wrong == []


def _sample_package(tmp_path: Path, files: dict[str, str]) -> list[tuple[str, Path]]:
    modules = []
    for name, text in files.items():
        path = tmp_path / f"{name.replace('.', '/')}.py"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        modules.append((name, path))
    return modules


def test_the_cycle_check_sees_a_cycle_through_a_local_import_and_not_through_type_checking(tmp_path):
    modules = _sample_package(
        tmp_path,
        {
            "pkg.a": "from pkg.b import B\n",
            "pkg.b": "def f():\n    from pkg.c import C\n",
            "pkg.c": "from pkg import a\n",
            "pkg.d": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from pkg.e import E\n",
            "pkg.e": "from pkg.d import D\n",
        },
    )
    assert cycles(import_graph(modules)) == [["pkg.a", "pkg.b", "pkg.c"]]


def test_the_local_import_check_wants_a_reason(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text(
        "def f():\n"
        "    from a import b\n"
        "def g():\n"
        "    # local import: the CLI loads only what its command needs\n"
        "    from a import c\n"
        "\n"
        "    from b import d\n"
        "def h():\n"
        "    from a import e  # local import: set the environment first\n"
        "def i():\n"
        "    # local import:\n"
        "    import f\n",
        encoding="utf-8",
    )
    assert unexplained_local_imports(sample, "sample") == ["sample:2", "sample:12"]


def test_the_pool_class_comes_from_api_persistence():
    names = imports_of(ROOT / "api" / "db.py", "api.db")
    assert "api.persistence.postgres.PooledConnection" in names
    assert not [n for n in names if n.startswith("domain.") and n.endswith("PooledConnection")]


# What a service must not call: it writes only through the unit of work (docs/architecture.md).
_OUTSIDE_THE_UNIT_OF_WORK = {"in_transaction", "transaction", "select_for_update", "save", "create", "bulk_create"}


def writes_outside_the_unit_of_work(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
        owner = func.value.id if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) else ""
        if name in _OUTSIDE_THE_UNIT_OF_WORK or (owner == "eventlog" and name.startswith("append")):
            found.append(f"{path.name}:{node.lineno} {owner + '.' if owner else ''}{name}")
        found += [f"{path.name}:{node.lineno} update_fields" for k in node.keywords if k.arg == "update_fields"]
    return found


def test_services_write_only_through_the_unit_of_work():
    wrong = [hit for _, path in _modules("domain.services") for hit in writes_outside_the_unit_of_work(path)]
    assert wrong == []


def test_the_scan_sees_a_write_outside_the_unit_of_work(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text(
        "async def f(conn, r):\n"
        "    async with in_transaction() as conn:\n"
        "        await r.save(using_db=conn, update_fields=['status'])\n"
        "        await eventlog.append(conn, now, [])\n",
        encoding="utf-8",
    )
    assert [h.split(" ")[1] for h in writes_outside_the_unit_of_work(sample)] == [
        "in_transaction",
        "r.save",
        "update_fields",
        "eventlog.append",
    ]
