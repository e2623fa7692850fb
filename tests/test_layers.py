"""Imports point one way (docs/architecture.md): a test that walks every module's imports.

Phase 2 of issue 12 adds the resolvers ↔ subscriptions and resolvers/types checks: add rows
to FORBIDDEN and modules to the cycle check; the walk stays as it is."""

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
# (importer, imported): directions fixed here; phase 2 adds ("subscriptions", "resolvers").
FORBIDDEN_DIRECTIONS: list[tuple[str, str]] = [
    ("domain", "api"),
    ("domain", "resolvers"),
    ("domain", "subscriptions"),
]


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
